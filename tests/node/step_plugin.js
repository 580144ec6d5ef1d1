#!/usr/bin/env node
// A Ramp step plugin in Node.js, written from proto/ alone with @grpc/grpc-js and
// @grpc/proto-loader (the .proto files are loaded at run time; nothing is generated).
//
// The contract, in the order this file follows it:
//   1. refuse to run without RAMP_PLUGIN_COOKIE=ramp-plugin-5e7a1c (one line on stderr, exit 1);
//   2. listen on a Unix socket in $PLUGIN_UNIX_SOCKET_DIR;
//   3. serve grpc.health.v1.Health ("plugin" is SERVING), ramp.plugin.v1.Info and StepPlugin;
//   4. print the handshake line 1|1|unix|<socket>|grpc on stdout;
//   5. exit when stdin closes.
//
// The step is the Python plugin's (tests/python/step_plugin.py), for tests. Its config (all
// fields optional):
//   runningCalls  whole number >= 0: the first N Run calls answer RUNNING (default 0)
//   result        "SUCCESSFUL" or "FAILED": the answer after those calls (default SUCCESSFUL)
//   message       the message of that answer
//   requeueMs     requeue_after of RUNNING answers, in milliseconds (default 1000)
//   fail          a gRPC status code name (e.g. "UNAVAILABLE", "INTERNAL"): Run answers with
//                 that error instead; "CRASH" makes the process exit with code 2
// The state counts the calls ({"calls": n}) and travels through the controller, so the
// plugin itself keeps nothing between calls.
//
// proto root = $RAMP_PROTO_DIR, else the first argument, else ../../proto next to this file.
'use strict';

const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const COOKIE_KEY = 'RAMP_PLUGIN_COOKIE';
const COOKIE_VALUE = 'ramp-plugin-5e7a1c';
const HEALTH_SERVICE = 'plugin';
const CONTRACT_VERSION = 1;
const MAX_STATE_BYTES = 64 * 1024;
const PLUGIN_NAME = 'ramp-tests/node-step';
const PLUGIN_VERSION = '0.1.0';

// stderr goes to the controller's log, prefixed with the plugin's configured name.
function log(message) {
  process.stderr.write(message + '\n');
}

function quit(message) {
  log(message);
  process.exit(1);
}

// A wrong config or request: answered with its status code and a description.
class Refusal extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const isWhole = (v) => typeof v === 'number' && Number.isInteger(v);
const show = (v) => JSON.stringify(v);

function parseConfig(configJson) {
  const bad = (message) => new Refusal(grpc.status.INVALID_ARGUMENT, message);
  let config;
  try {
    config = JSON.parse(configJson || '{}');
  } catch (e) {
    throw bad('config is not valid JSON: ' + e.message);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw bad('config must be a JSON object, got ' + show(config));
  }
  const {runningCalls = 0, result = 'SUCCESSFUL', requeueMs = 1000, message = ''} = config;
  if (!isWhole(runningCalls) || runningCalls < 0) {
    throw bad('config.runningCalls must be a whole number >= 0, got ' + show(runningCalls));
  }
  if (result !== 'SUCCESSFUL' && result !== 'FAILED') {
    throw bad('config.result must be "SUCCESSFUL" or "FAILED", got ' + show(result));
  }
  if (!isWhole(requeueMs) || requeueMs < 1) {
    throw bad('config.requeueMs must be a whole number >= 1, got ' + show(requeueMs));
  }
  if (typeof message !== 'string') {
    throw bad('config.message must be a string, got ' + show(message));
  }
  const fail = config.fail ?? null;
  const codes = Object.keys(grpc.status).filter((k) => isNaN(Number(k)) && k !== 'OK');
  if (fail !== null && fail !== 'CRASH' && !codes.includes(fail)) {
    throw bad('config.fail must be a gRPC status code name or CRASH, got ' + show(fail));
  }
  return {runningCalls, result, requeueMs, message, fail};
}

function parseState(stateJson) {
  if (Buffer.byteLength(stateJson, 'utf8') > MAX_STATE_BYTES) {
    throw new Refusal(
      grpc.status.INVALID_ARGUMENT,
      `state_json is ${Buffer.byteLength(stateJson, 'utf8')} bytes; ` +
        `the contract allows at most ${MAX_STATE_BYTES}`,
    );
  }
  if (!stateJson) {
    return {calls: 0};
  }
  let state;
  try {
    state = JSON.parse(stateJson);
  } catch (e) {
    throw new Refusal(grpc.status.FAILED_PRECONDITION, 'state_json does not parse: ' + e.message);
  }
  if (state === null || typeof state !== 'object' || !isWhole(state.calls)) {
    throw new Refusal(
      grpc.status.FAILED_PRECONDITION,
      'state_json must be an object with a whole number "calls"',
    );
  }
  return state;
}

function run(request) {
  const config = parseConfig(request.config_json);
  const state = parseState(request.state_json);
  if (config.fail === 'CRASH') {
    log('configured to crash: exiting with code 2');
    process.exit(2);
  }
  if (config.fail) {
    throw new Refusal(grpc.status[config.fail], 'configured to fail with ' + config.fail);
  }
  const calls = state.calls + 1;
  const stateJson = JSON.stringify({calls});
  if (calls <= config.runningCalls) {
    return {
      phase: 'STEP_PHASE_RUNNING',
      message: `call ${calls} of ${config.runningCalls}`,
      requeue_after: {
        seconds: Math.floor(config.requeueMs / 1000),
        nanos: (config.requeueMs % 1000) * 1e6,
      },
      state_json: stateJson,
    };
  }
  return {phase: 'STEP_PHASE_' + config.result, message: config.message, state_json: stateJson};
}

// Terminate and Abort: nothing to undo; they check their request and keep the state.
function finish(message) {
  return (request) => {
    parseConfig(request.config_json);
    parseState(request.state_json);
    return {phase: 'STEP_PHASE_SUCCESSFUL', message, state_json: request.state_json};
  };
}

// A unary handler from a function of the request: a Refusal becomes its status, anything
// else INTERNAL.
function unary(fn) {
  return (call, callback) => {
    try {
      callback(null, fn(call.request));
    } catch (e) {
      if (e instanceof Refusal) {
        callback({code: e.code, details: e.message});
      } else {
        log(e.stack);
        callback({code: grpc.status.INTERNAL, details: `${e.name}: ${e.message}`});
      }
    }
  };
}

function load(protoRoot) {
  const definition = protoLoader.loadSync(
    [
      'ramp/plugin/v1/common.proto',
      'ramp/plugin/v1/step.proto',
      path.join(__dirname, 'health.proto'),
    ],
    {keepCase: true, enums: String, longs: String, defaults: true, includeDirs: [protoRoot]},
  );
  return grpc.loadPackageDefinition(definition);
}

function serve(socketDir, protoRoot) {
  const {grpc: {health: {v1: health}}, ramp: {plugin: {v1: ramp}}} = load(protoRoot);
  const server = new grpc.Server();
  server.addService(health.Health.service, {
    Check: unary((request) => {
      if (request.service === '' || request.service === HEALTH_SERVICE) {
        return {status: 'SERVING'};
      }
      throw new Refusal(grpc.status.NOT_FOUND, 'unknown service ' + show(request.service));
    }),
  });
  server.addService(ramp.Info.service, {
    GetInfo: unary(() => ({
      name: PLUGIN_NAME,
      version: PLUGIN_VERSION,
      kinds: ['PLUGIN_KIND_STEP'],
      contract_version: CONTRACT_VERSION,
      runtime: `node/${process.versions.node} @grpc/grpc-js`,
    })),
  });
  server.addService(ramp.StepPlugin.service, {
    Run: unary(run),
    Terminate: unary(finish('terminated')),
    Abort: unary(finish('aborted')),
  });

  const socketPath = path.join(socketDir, 'plugin.sock');
  server.bindAsync('unix:' + socketPath, grpc.ServerCredentials.createInsecure(), (err) => {
    if (err) {
      quit(`cannot listen on ${socketPath}: ${err.message}`);
    }
    log('serving on ' + socketPath);
    process.stdout.write(`1|${CONTRACT_VERSION}|unix|${socketPath}|grpc\n`);
  });

  // The host closes stdin to stop us (and stdin closes when the host dies).
  const stop = (why) => {
    log(why + ': stopping');
    // Calls in flight get a second to finish.
    const force = setTimeout(() => server.forceShutdown(), 1000);
    server.tryShutdown(() => {
      clearTimeout(force);
      process.exit(0);
    });
  };
  process.stdin.on('end', () => stop('stdin closed'));
  process.stdin.resume();
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function main() {
  if (process.env[COOKIE_KEY] !== COOKIE_VALUE) {
    quit(`This is a Ramp plugin: Ramp starts it (${COOKIE_KEY} is missing or wrong).`);
  }
  const socketDir = process.env.PLUGIN_UNIX_SOCKET_DIR;
  if (!socketDir || !fs.statSync(socketDir, {throwIfNoEntry: false})?.isDirectory()) {
    quit('PLUGIN_UNIX_SOCKET_DIR is not a directory: ' + show(socketDir ?? null));
  }
  const versions = (process.env.PLUGIN_PROTOCOL_VERSIONS || String(CONTRACT_VERSION)).split(',');
  if (!versions.includes(String(CONTRACT_VERSION))) {
    quit(`this plugin speaks contract ${CONTRACT_VERSION}; the host offers ${versions}`);
  }
  const protoRoot = path.resolve(
    process.env.RAMP_PROTO_DIR || process.argv[2] || path.join(__dirname, '..', '..', 'proto'),
  );
  serve(socketDir, protoRoot);
}

main();
