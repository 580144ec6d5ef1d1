"""The Python step plugin of tests/python with one more config field, for the state limit:

  stateBytes  whole number: Run's state gets a "padding" string that makes its JSON exactly this
              many bytes (the contract allows 64 KiB; the host turns more into ERROR)

Usage: python3 big_state_step_plugin.py <directory of step_plugin.py>
"""

import json
import sys

import grpc

sys.path.insert(0, sys.argv[1])
import step_plugin  # noqa: E402

_server = grpc.server


def state_bytes(config_json):
    try:
        config = json.loads(config_json or "{}")
    except ValueError:
        return None
    size = config.get("stateBytes") if isinstance(config, dict) else None
    return size if isinstance(size, int) and not isinstance(size, bool) else None


def padded(state_json, size):
    state = json.loads(state_json or "{}")
    state["padding"] = ""
    base = len(json.dumps(state, separators=(",", ":")))
    state["padding"] = "x" * max(size - base, 0)
    return json.dumps(state, separators=(",", ":"))


class BigState(grpc.ServerInterceptor):
    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or details.method != "/ramp.plugin.v1.StepPlugin/Run":
            return handler
        inner = handler.unary_unary

        def run(request, context):
            result = inner(request, context)
            size = state_bytes(request.config_json)
            if size is not None:
                result.state_json = padded(result.state_json, size)
            return result

        return grpc.unary_unary_rpc_method_handler(
            run,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)


def server(executor, **kwargs):
    return _server(executor, interceptors=[BigState()], **kwargs)


grpc.server = server
step_plugin.HERE = sys.argv[1]
sys.argv = sys.argv[:1]
step_plugin.main()
