#!/usr/bin/python3
"""A Ramp traffic-router plugin in Python that records every call, for tests.

It shares the handshake of step_plugin.py (next to it) and serves grpc.health.v1.Health,
ramp.plugin.v1.Info and TrafficRouterPlugin. It routes nothing: every call it receives is
appended, as one JSON line, to a log file, so a test reads the exact sequence of calls that
reached the plugin.

Usage: router_plugin.py <log file>
  Stubs are generated at start from $RAMP_PROTO_DIR, else ../../proto next to this file.

A log line holds: rpc, rollout (the call context's rollout name), step_index, attempt,
idempotency_key, and per call: canary_hash and stable_hash (UpdateHash), weight and
max_weight (SetWeight, VerifyWeight), name, matches and percentage ("unset" when the field
is absent) (SetHeaderRoute, SetMirrorRoute), managed_routes, and the config's "route".

What it answers is steered by a control file, <log file>.control, read at every call (absent
means: answer OK and VERIFIED). It is a JSON object:
  verify   "VERIFIED", "NOT_VERIFIED" or "NOT_IMPLEMENTED": VerifyWeight's answer
  fail     {"<rpc>": "<message>"}: that rpc answers UNAVAILABLE with the message
  refuse   {"<rpc>": "<message>"}: that rpc answers INVALID_ARGUMENT with the message
  hang     ["<rpc>", ...]: that rpc never answers (the host's deadline ends the call)
A call that fails, is refused or hangs is still logged, with "answer" saying so.
"""

import concurrent.futures
import json
import os
import sys
import threading

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import step_plugin  # noqa: E402
from step_plugin import log  # noqa: E402

PLUGIN_NAME = "ramp-tests/python-router"
PLUGIN_VERSION = "0.1.0"


class Recorder:
    """The plugin's backend: one JSON line per call, appended before the plugin answers."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.hung = threading.Event()

    def control(self):
        try:
            with open(self.path + ".control") as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def record(self, rpc, request, context, **extra):
        control = self.control()
        line = {"rpc": rpc,
                "rollout": request.context.rollout_name,
                "step_index": request.context.step_index,
                "attempt": request.context.attempt,
                "idempotency_key": request.context.idempotency_key,
                "managed_routes": list(request.managed_routes)}
        try:
            line["route"] = json.loads(request.config_json or "{}").get("route")
        except ValueError:
            line["route"] = None
        line.update(extra)
        answer = "ok"
        if rpc in control.get("hang", []):
            answer = "hang"
        elif rpc in control.get("fail", {}):
            answer = "fail"
        elif rpc in control.get("refuse", {}):
            answer = "refuse"
        line["answer"] = answer
        with self.lock:
            with open(self.path, "a") as out:
                out.write(json.dumps(line) + "\n")
                out.flush()
                os.fsync(out.fileno())
        if answer == "hang":
            # Never answers; the host's deadline cancels the call. Ends with the process.
            self.hung.wait()
        if answer == "fail":
            context.abort(grpc.StatusCode.UNAVAILABLE, control["fail"][rpc])
        if answer == "refuse":
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, control["refuse"][rpc])
        return control


def string_match(m):
    kind = m.WhichOneof("kind")
    return None if kind is None else {kind: getattr(m, kind)}


def serve(socket_dir, log_path):
    import health_pb2
    import health_pb2_grpc
    from ramp.plugin.v1 import common_pb2, common_pb2_grpc
    from ramp.plugin.v1 import traffic_router_pb2 as router_pb2
    from ramp.plugin.v1 import traffic_router_pb2_grpc as router_pb2_grpc

    calls = Recorder(log_path)
    log("recording calls to %s" % log_path)
    done = router_pb2.RouterResponse()

    class Health(health_pb2_grpc.HealthServicer):
        def Check(self, request, context):
            if request.service in ("", step_plugin.HEALTH_SERVICE):
                return health_pb2.HealthCheckResponse(
                    status=health_pb2.HealthCheckResponse.SERVING)
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service %r" % request.service)

    class Info(common_pb2_grpc.InfoServicer):
        def GetInfo(self, request, context):
            return common_pb2.PluginInfo(
                name=PLUGIN_NAME, version=PLUGIN_VERSION,
                kinds=[common_pb2.PLUGIN_KIND_TRAFFIC_ROUTER],
                contract_version=step_plugin.CONTRACT_VERSION,
                runtime="python-grpcio/" + grpc.__version__)

    class Router(router_pb2_grpc.TrafficRouterPluginServicer):
        def Init(self, request, context):
            return common_pb2.InitResponse()

        def UpdateHash(self, request, context):
            calls.record("UpdateHash", request.request, context,
                         canary_hash=request.canary_hash, stable_hash=request.stable_hash)
            return done

        def SetWeight(self, request, context):
            calls.record("SetWeight", request.request, context,
                         weight=request.desired_weight, max_weight=request.max_weight)
            return done

        def SetHeaderRoute(self, request, context):
            calls.record("SetHeaderRoute", request.request, context, name=request.name,
                         matches=[{"header": m.header_name,
                                   "value": string_match(m.header_value)}
                                  for m in request.match])
            return done

        def SetMirrorRoute(self, request, context):
            calls.record("SetMirrorRoute", request.request, context, name=request.name,
                         percentage=(request.percentage if request.HasField("percentage")
                                     else "unset"),
                         matches=[{"method": string_match(m.method),
                                   "path": string_match(m.path),
                                   "headers": {k: string_match(v)
                                               for k, v in m.headers.items()}}
                                  for m in request.match])
            return done

        def VerifyWeight(self, request, context):
            control = calls.record("VerifyWeight", request.request, context,
                                   weight=request.desired_weight,
                                   max_weight=request.max_weight)
            answer = control.get("verify", "VERIFIED")
            return router_pb2.VerifyWeightResponse(
                verification=router_pb2.WeightVerification.Value(
                    "WEIGHT_VERIFICATION_" + answer),
                message="" if answer == "VERIFIED" else "the data plane lags (test control)")

        def RemoveManagedRoutes(self, request, context):
            calls.record("RemoveManagedRoutes", request, context)
            return done

    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    health_pb2_grpc.add_HealthServicer_to_server(Health(), server)
    common_pb2_grpc.add_InfoServicer_to_server(Info(), server)
    router_pb2_grpc.add_TrafficRouterPluginServicer_to_server(Router(), server)
    try:
        step_plugin.serve_until_stdin_closes(server, socket_dir)
    finally:
        calls.hung.set()


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: router_plugin.py <log file>\n")
        sys.exit(2)
    log_path = os.path.abspath(sys.argv[1])
    proto_root = os.environ.get("RAMP_PROTO_DIR") or os.path.join(HERE, "..", "..", "proto")
    step_plugin.run_plugin(lambda socket_dir: serve(socket_dir, log_path), proto_root)


if __name__ == "__main__":
    main()
