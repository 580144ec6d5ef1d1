#!/usr/bin/python3
"""A Ramp metric provider in Python whose measurements take several calls, for tests.

It shares the handshake of step_plugin.py (next to it) and serves grpc.health.v1.Health,
ramp.plugin.v1.Info and MetricProviderPlugin. It keeps nothing in memory between calls:
every call it receives is appended, as one JSON line, to a log file, and that file is its
backend. A measurement's progress is the number of Run and Resume calls the file holds for
its idempotency key, so a plugin that is killed and started again goes on where the killed
one stopped, and a test reads from the same file what reached the plugin.

Usage: metric_plugin.py [<log file>]
  The log file is the first argument, else $METRIC_PLUGIN_LOG, else calls.log in the
  private socket directory (which goes away with the process). Stubs are generated at start
  from $RAMP_PROTO_DIR, else ../../proto next to this file.

A log line holds: rpc (the method called), operation, idempotency_key, attempt,
analysis_run_name, analysis_run_uid, metric_name, measurement_index (from the call's
context), limit (GarbageCollect), plugin_name (Init) and pid (the process that answered).

The provider config (all fields optional):
  runningCalls  whole number >= 0: the first N Run and Resume calls of a measurement (one
                idempotency key), repeats included, answer RUNNING (default 1)
  value         string: the value of the answer that follows (default "1")
  verdict       "SUCCESSFUL", "FAILED" or "INCONCLUSIVE": the phase of that answer (default
                "SUCCESSFUL", a value for the controller's conditions; the others are the
                plugin's own verdict)
  resumeMs      whole number >= 1: resume_at of a RUNNING answer is now + resumeMs (default 1000)
  query         string: what GetMetadata answers as "query" (default "ramp_tests_measurement")
A RUNNING answer's metadata says the progress ("progress": "2/4", "calls": "2"). Terminate
answers SUCCESSFUL with message "terminated"; GarbageCollect only records its limit.
"""

import concurrent.futures
import json
import os
import sys
import threading
import time

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import step_plugin  # noqa: E402
from step_plugin import BadConfig, log  # noqa: E402

PLUGIN_NAME = "ramp-tests/python-metric"
PLUGIN_VERSION = "0.1.0"
PROGRESS_RPCS = ("Run", "Resume")
VERDICTS = ("SUCCESSFUL", "FAILED", "INCONCLUSIVE")


def parse_config(config_json):
    config = step_plugin.json_object(config_json)
    verdict = step_plugin.text(config, "verdict", "SUCCESSFUL")
    if verdict not in VERDICTS:
        raise BadConfig("config.verdict must be one of %s, got %r" % (", ".join(VERDICTS), verdict))
    return {"runningCalls": step_plugin.whole_number(config, "runningCalls", 1, 0),
            "value": step_plugin.text(config, "value", "1"),
            "verdict": verdict,
            "resumeMs": step_plugin.whole_number(config, "resumeMs", 1000, 1),
            "query": step_plugin.text(config, "query", "ramp_tests_measurement")}


class CallLog:
    """The plugin's backend: one JSON line per call, appended before the plugin answers."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def record(self, rpc, context=None, **extra):
        """Appends the call; returns how many Run/Resume calls its key has, this one included."""
        line = {"rpc": rpc}
        if context is not None:
            line.update(operation=context.operation, idempotency_key=context.idempotency_key,
                        attempt=context.attempt, analysis_run_name=context.analysis_run_name,
                        analysis_run_uid=context.analysis_run_uid,
                        metric_name=context.metric_name,
                        measurement_index=context.measurement_index)
        line.update(extra)
        line["pid"] = os.getpid()
        with self.lock:
            with open(self.path, "a") as out:
                out.write(json.dumps(line) + "\n")
                out.flush()
                os.fsync(out.fileno())
            if context is None or rpc not in PROGRESS_RPCS:
                return 0
            return self.progress(context.idempotency_key)

    def progress(self, key):
        calls = 0
        with open(self.path) as lines:
            for text in lines:
                try:
                    entry = json.loads(text)
                except ValueError:
                    continue  # a line cut short by a kill
                if entry.get("idempotency_key") == key and entry.get("rpc") in PROGRESS_RPCS:
                    calls += 1
        return calls


def serve(socket_dir, log_path):
    import health_pb2
    import health_pb2_grpc
    from ramp.plugin.v1 import common_pb2, common_pb2_grpc
    from ramp.plugin.v1 import metric_provider_pb2 as metric_pb2
    from ramp.plugin.v1 import metric_provider_pb2_grpc as metric_pb2_grpc

    calls = CallLog(log_path)
    log("recording calls to %s" % log_path)

    def config_or_abort(request, context):
        try:
            return parse_config(request.config_json)
        except BadConfig as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))

    def key_or_abort(request, context):
        if not request.context.idempotency_key:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                          "context.idempotency_key is empty: a measurement is known by its key")

    def measure(rpc, request, started, context):
        """Run and Resume: RUNNING for the first runningCalls calls of the key, then the value."""
        config = config_or_abort(request, context)
        key_or_abort(request, context)
        n = calls.record(rpc, request.context)
        total = config["runningCalls"] + 1
        measurement = metric_pb2.Measurement(
            metadata={"progress": "%d/%d" % (min(n, total), total), "calls": str(n)})
        if started is not None:
            measurement.started_at.CopyFrom(started)
        else:
            measurement.started_at.GetCurrentTime()
        if n <= config["runningCalls"]:
            measurement.phase = metric_pb2.MEASUREMENT_PHASE_RUNNING
            measurement.message = "call %d of %d" % (n, total)
            measurement.resume_at.FromNanoseconds(time.time_ns() + config["resumeMs"] * 1000000)
        else:
            measurement.phase = metric_pb2.MeasurementPhase.Value(
                "MEASUREMENT_PHASE_" + config["verdict"])
            measurement.value = config["value"]
            measurement.finished_at.GetCurrentTime()
        return measurement

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
                kinds=[common_pb2.PLUGIN_KIND_METRIC_PROVIDER],
                contract_version=step_plugin.CONTRACT_VERSION,
                runtime="python-grpcio/" + grpc.__version__)

    class Metric(metric_pb2_grpc.MetricProviderPluginServicer):
        def Init(self, request, context):
            calls.record("Init", plugin_name=request.plugin_name)
            return common_pb2.InitResponse()

        def Run(self, request, context):
            return measure("Run", request, None, context)

        def Resume(self, request, context):
            given = request.measurement
            started = given.started_at if given.HasField("started_at") else None
            return measure("Resume", request.request, started, context)

        def Terminate(self, request, context):
            config_or_abort(request.request, context)
            calls.record("Terminate", request.request.context)
            given = request.measurement
            measurement = metric_pb2.Measurement(
                phase=metric_pb2.MEASUREMENT_PHASE_SUCCESSFUL, value=given.value,
                metadata=dict(given.metadata), message="terminated")
            if given.HasField("started_at"):
                measurement.started_at.CopyFrom(given.started_at)
            else:
                measurement.started_at.GetCurrentTime()
            measurement.finished_at.GetCurrentTime()
            return measurement

        def GarbageCollect(self, request, context):
            config_or_abort(request.request, context)
            if request.limit < 0:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                              "limit must be >= 0, got %d" % request.limit)
            calls.record("GarbageCollect", request.request.context, limit=request.limit)
            return metric_pb2.GarbageCollectResponse()

        def GetMetadata(self, request, context):
            config = config_or_abort(request.request, context)
            calls.record("GetMetadata", request.request.context)
            return metric_pb2.MetadataResponse(metadata={"query": config["query"]})

    server = grpc.server(concurrent.futures.ThreadPoolExecutor(max_workers=4))
    health_pb2_grpc.add_HealthServicer_to_server(Health(), server)
    common_pb2_grpc.add_InfoServicer_to_server(Info(), server)
    metric_pb2_grpc.add_MetricProviderPluginServicer_to_server(Metric(), server)
    step_plugin.serve_until_stdin_closes(server, socket_dir)


def main():
    given = (sys.argv[1] if len(sys.argv) > 1 else None) or os.environ.get("METRIC_PLUGIN_LOG")
    proto_root = os.environ.get("RAMP_PROTO_DIR") or os.path.join(HERE, "..", "..", "proto")

    def serve_with_log(socket_dir):
        log_path = os.path.abspath(given) if given else os.path.join(socket_dir, "calls.log")
        serve(socket_dir, log_path)

    step_plugin.run_plugin(serve_with_log, proto_root)


if __name__ == "__main__":
    main()
