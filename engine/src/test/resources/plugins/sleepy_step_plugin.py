"""The Python step plugin of tests/python with one more config field, for host tests:

  sleepMs  whole number: Run (and Terminate, Abort) first sleeps this long, like a hung plugin

Usage: python3 sleepy_step_plugin.py <directory of step_plugin.py>
"""

import json
import sys
import time

sys.path.insert(0, sys.argv[1])
import step_plugin  # noqa: E402

_parse_config = step_plugin.parse_config


def parse_config(config_json):
    try:
        config = json.loads(config_json or "{}")
    except ValueError:
        return _parse_config(config_json)
    if isinstance(config, dict) and "sleepMs" in config:
        time.sleep(int(config.pop("sleepMs")) / 1000.0)
        config_json = json.dumps(config)
    return _parse_config(config_json)


step_plugin.parse_config = parse_config
step_plugin.HERE = sys.argv[1]
sys.argv = sys.argv[:1]
step_plugin.main()
