"""The Python step plugin of tests/python, recording every StepPlugin call, for controller ITs.

Each call appends one line to the log file before the plugin answers:
  <rollout name> <operation> <step index> <attempt> <idempotency key>

Usage: python3 recording_step_plugin.py <directory of step_plugin.py> <log file>
"""

import sys

import grpc

sys.path.insert(0, sys.argv[1])
import step_plugin  # noqa: E402

LOG = sys.argv[2]
_server = grpc.server


class Recorder(grpc.ServerInterceptor):
    def intercept_service(self, continuation, details):
        handler = continuation(details)
        if handler is None or not details.method.startswith("/ramp.plugin.v1.StepPlugin/"):
            return handler
        inner = handler.unary_unary

        def recorded(request, context):
            c = request.context
            with open(LOG, "a") as log:
                log.write("%s %s %d %d %s\n" % (c.rollout_name, c.operation, c.step_index,
                                                c.attempt, c.idempotency_key))
            return inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            recorded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer)


def server(executor, **kwargs):
    return _server(executor, interceptors=[Recorder()], **kwargs)


grpc.server = server
step_plugin.HERE = sys.argv[1]
sys.argv = sys.argv[:1]
step_plugin.main()
