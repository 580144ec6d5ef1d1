#!/usr/bin/python3
"""A Ramp step plugin (and metric provider) in Python, written from proto/ alone.

It is the example for plugin authors who do not write Java, and the plugin the launcher
and the conformance test kit are tested with. It needs Debian's python3-grpcio,
python3-protobuf and python3-grpc-tools (or the same from pip).

The contract, in the order this file follows it:
  1. refuse to run without RAMP_PLUGIN_COOKIE=ramp-plugin-5e7a1c (one line on stderr, exit 1);
  2. listen on a Unix socket in $PLUGIN_UNIX_SOCKET_DIR;
  3. serve grpc.health.v1.Health ("plugin" is SERVING), ramp.plugin.v1.Info, StepPlugin and
     MetricProviderPlugin;
  4. print the handshake line 1|1|unix|<socket>|grpc on stdout;
  5. exit when stdin closes.

The step it implements is useful for tests. Its config (all fields optional):
  runningCalls  whole number >= 0: the first N Run calls answer RUNNING (default 0)
  result        "SUCCESSFUL", "FAILED" or "ERROR": the answer after those calls (default
                SUCCESSFUL)
  message       the message of that answer
  requeueMs     requeue_after of RUNNING answers, in milliseconds (default 1000)
  fail          a gRPC status code name (e.g. "UNAVAILABLE", "INTERNAL"): Run answers with
                that error instead; "CRASH" makes the process exit with code 2
The state counts the calls ({"calls": n}) and travels through the controller, so the
plugin itself keeps nothing between calls.

As a metric provider, Run measures at once: the measurement's value is config "value"
(a string, default "1") and its phase config "result" (SUCCESSFUL, FAILED or INCONCLUSIVE).

Stubs are generated at start from the .proto files into the private socket directory:
  proto root = $RAMP_PROTO_DIR, else the first argument, else ../../proto next to this file.
"""

import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile

import grpc

COOKIE_KEY = "RAMP_PLUGIN_COOKIE"
COOKIE_VALUE = "ramp-plugin-5e7a1c"
HEALTH_SERVICE = "plugin"
CONTRACT_VERSION = 1
MAX_STATE_BYTES = 64 * 1024
PLUGIN_NAME = "ramp-tests/python-step"
PLUGIN_VERSION = "0.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))


def log(message):
    # stderr goes to the controller's log, prefixed with the plugin's configured name.
    print(message, file=sys.stderr, flush=True)


def generate_stubs(proto_root, out_dir):
    protos = [
        os.path.join(proto_root, "ramp", "plugin", "v1", name)
        for name in sorted(os.listdir(os.path.join(proto_root, "ramp", "plugin", "v1")))
        if name.endswith(".proto")
    ]
    protos.append(os.path.join(HERE, "health.proto"))
    command = [sys.executable, "-m", "grpc_tools.protoc", "-I", proto_root, "-I", HERE,
               "--python_out=" + out_dir, "--grpc_python_out=" + out_dir] + protos
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode != 0:
        log("cannot generate stubs from %s: %s" % (proto_root, done.stdout.strip()))
        sys.exit(1)
    sys.path.insert(0, out_dir)


class BadConfig(Exception):
    """The step's config is wrong: answered with INVALID_ARGUMENT, naming the field."""


def json_object(config_json):
    """The config as a JSON object; BadConfig otherwise."""
    try:
        config = json.loads(config_json or "{}")
    except ValueError as e:
        raise BadConfig("config is not valid JSON: %s" % e)
    if not isinstance(config, dict):
        raise BadConfig("config must be a JSON object, got %s" % type(config).__name__)
    return config


def whole_number(config, key, default, minimum):
    """config[key] as a whole number >= minimum; BadConfig naming the field otherwise."""
    value = config.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise BadConfig("config.%s must be a whole number >= %d, got %r" % (key, minimum, value))
    return value


def text(config, key, default):
    """config[key] as a string; BadConfig naming the field otherwise."""
    value = config.get(key, default)
    if not isinstance(value, str):
        raise BadConfig("config.%s must be a string, got %r" % (key, value))
    return value


def parse_config(config_json):
    config = json_object(config_json)
    running = whole_number(config, "runningCalls", 0, 0)
    result = config.get("result", "SUCCESSFUL")
    if result not in ("SUCCESSFUL", "FAILED", "ERROR"):
        raise BadConfig('config.result must be "SUCCESSFUL", "FAILED" or "ERROR", got %r'
                        % (result,))
    requeue_ms = whole_number(config, "requeueMs", 1000, 1)
    message = text(config, "message", "")
    fail = config.get("fail")
    codes = [name for name in grpc.StatusCode.__members__ if name != "OK"]
    if fail is not None and fail not in codes + ["CRASH"]:
        raise BadConfig("config.fail must be a gRPC status code name or CRASH, got %r" % (fail,))
    return {"runningCalls": running, "result": result, "requeueMs": requeue_ms,
            "message": message, "fail": fail}


def parse_metric_config(config_json):
    try:
        config = json.loads(config_json or "{}")
    except ValueError as e:
        raise BadConfig("config is not valid JSON: %s" % e)
    if not isinstance(config, dict):
        raise BadConfig("config must be a JSON object, got %s" % type(config).__name__)
    value = config.get("value", "1")
    if not isinstance(value, str):
        raise BadConfig("config.value must be a string, got %r" % (value,))
    result = config.get("result", "SUCCESSFUL")
    if result not in ("SUCCESSFUL", "FAILED", "INCONCLUSIVE"):
        raise BadConfig('config.result must be "SUCCESSFUL", "FAILED" or "INCONCLUSIVE", got %r'
                        % (result,))
    return {"value": value, "result": result}


def serve(socket_dir):
    import health_pb2
    import health_pb2_grpc
    from ramp.plugin.v1 import common_pb2, common_pb2_grpc, step_pb2, step_pb2_grpc
    from ramp.plugin.v1 import metric_provider_pb2 as metric_pb2
    from ramp.plugin.v1 import metric_provider_pb2_grpc as metric_pb2_grpc

    def parse_state(request, context):
        if len(request.state_json) > MAX_STATE_BYTES:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "state_json is %d bytes; the contract allows at most %d"
                          % (len(request.state_json), MAX_STATE_BYTES))
        if not request.state_json:
            return {"calls": 0}
        try:
            state = json.loads(request.state_json)
        except ValueError as e:
            context.abort(grpc.StatusCode.FAILED_PRECONDITION, "state_json does not parse: %s" % e)
        if not isinstance(state, dict) or not isinstance(state.get("calls"), int):
            context.abort(grpc.StatusCode.FAILED_PRECONDITION,
                          'state_json must be an object with a whole number "calls"')
        return state

    def config_or_abort(request, context):
        try:
            return parse_config(request.config_json)
        except BadConfig as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))

    class Health(health_pb2_grpc.HealthServicer):
        def Check(self, request, context):
            if request.service in ("", HEALTH_SERVICE):
                return health_pb2.HealthCheckResponse(
                    status=health_pb2.HealthCheckResponse.SERVING)
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service %r" % request.service)

    class Info(common_pb2_grpc.InfoServicer):
        def GetInfo(self, request, context):
            return common_pb2.PluginInfo(
                name=PLUGIN_NAME, version=PLUGIN_VERSION,
                kinds=[common_pb2.PLUGIN_KIND_STEP, common_pb2.PLUGIN_KIND_METRIC_PROVIDER],
                contract_version=CONTRACT_VERSION,
                runtime="python-grpcio/" + grpc.__version__)

    class Step(step_pb2_grpc.StepPluginServicer):
        def Run(self, request, context):
            config = config_or_abort(request, context)
            state = parse_state(request, context)
            if config["fail"] == "CRASH":
                log("configured to crash: exiting with code 2")
                os._exit(2)
            if config["fail"]:
                context.abort(grpc.StatusCode[config["fail"]],
                              "configured to fail with %s" % config["fail"])
            calls = state["calls"] + 1
            new_state = json.dumps({"calls": calls})
            if calls <= config["runningCalls"]:
                result = step_pb2.StepResult(
                    phase=step_pb2.STEP_PHASE_RUNNING,
                    message="call %d of %d" % (calls, config["runningCalls"]),
                    state_json=new_state)
                result.requeue_after.FromMilliseconds(config["requeueMs"])
                return result
            phase = step_pb2.StepPhase.Value("STEP_PHASE_" + config["result"])
            return step_pb2.StepResult(phase=phase, message=config["message"],
                                       state_json=new_state)

        def Terminate(self, request, context):
            config_or_abort(request, context)
            parse_state(request, context)
            return step_pb2.StepResult(phase=step_pb2.STEP_PHASE_SUCCESSFUL,
                                       message="terminated", state_json=request.state_json)

        def Abort(self, request, context):
            config_or_abort(request, context)
            parse_state(request, context)
            return step_pb2.StepResult(phase=step_pb2.STEP_PHASE_SUCCESSFUL,
                                       message="aborted", state_json=request.state_json)

    class Metric(metric_pb2_grpc.MetricProviderPluginServicer):
        def Init(self, request, context):
            return common_pb2.InitResponse()

        def Run(self, request, context):
            try:
                config = parse_metric_config(request.config_json)
            except BadConfig as e:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
            measurement = metric_pb2.Measurement(
                phase=metric_pb2.MeasurementPhase.Value("MEASUREMENT_PHASE_" + config["result"]),
                value=config["value"])
            measurement.started_at.GetCurrentTime()
            measurement.finished_at.GetCurrentTime()
            return measurement

        def Resume(self, request, context):
            # Run never leaves a measurement running, so there is nothing to resume.
            return request.measurement

        def Terminate(self, request, context):
            return request.measurement

        def GarbageCollect(self, request, context):
            return metric_pb2.GarbageCollectResponse()

        def GetMetadata(self, request, context):
            return metric_pb2.MetadataResponse(metadata={"provider": "python-example"})

    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    health_pb2_grpc.add_HealthServicer_to_server(Health(), server)
    common_pb2_grpc.add_InfoServicer_to_server(Info(), server)
    step_pb2_grpc.add_StepPluginServicer_to_server(Step(), server)
    metric_pb2_grpc.add_MetricProviderPluginServicer_to_server(Metric(), server)
    serve_until_stdin_closes(server, socket_dir)


def serve_until_stdin_closes(server, socket_dir):
    """Steps 2, 4 and 5 of the contract for a server whose services are added."""
    socket_path = os.path.join(socket_dir, "plugin.sock")
    server.add_insecure_port("unix:" + socket_path)
    server.start()
    log("serving on %s" % socket_path)
    print("1|%d|unix|%s|grpc" % (CONTRACT_VERSION, socket_path), flush=True)

    # The host closes stdin to stop us (and stdin closes when the host dies).
    while sys.stdin.buffer.read(4096):
        pass
    log("stdin closed: stopping")
    server.stop(grace=1).wait()


def checked_socket_dir():
    """Step 1 of the contract: the cookie, the socket directory and the contract version."""
    if os.environ.get(COOKIE_KEY) != COOKIE_VALUE:
        log("This is a Ramp plugin: Ramp starts it (%s is missing or wrong)." % COOKIE_KEY)
        sys.exit(1)
    socket_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR")
    if not socket_dir or not os.path.isdir(socket_dir):
        log("PLUGIN_UNIX_SOCKET_DIR is not a directory: %r" % (socket_dir,))
        sys.exit(1)
    versions = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", str(CONTRACT_VERSION)).split(",")
    if str(CONTRACT_VERSION) not in versions:
        log("this plugin speaks contract %d; the host offers %s" % (CONTRACT_VERSION, versions))
        sys.exit(1)
    return socket_dir


def run_plugin(serve_fn, proto_root):
    """Checks the environment, generates the stubs and calls serve_fn(socket_dir)."""
    socket_dir = checked_socket_dir()
    # Inside the private socket directory, which the host removes after we exit, so the
    # stubs do not outlive a plugin that is killed.
    gen_dir = tempfile.mkdtemp(prefix="stubs-", dir=socket_dir)
    try:
        generate_stubs(os.path.abspath(proto_root), gen_dir)
        serve_fn(socket_dir)
    finally:
        shutil.rmtree(gen_dir, ignore_errors=True)


def main():
    proto_root = (os.environ.get("RAMP_PROTO_DIR")
                  or (sys.argv[1] if len(sys.argv) > 1 else None)
                  or os.path.join(HERE, "..", "..", "proto"))
    run_plugin(serve, proto_root)


if __name__ == "__main__":
    main()
