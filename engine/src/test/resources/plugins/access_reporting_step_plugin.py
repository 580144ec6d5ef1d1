"""The Python step plugin of tests/python, reporting the Kubernetes access its host gave it.

Before it serves, it writes a JSON report (atomically) to the file named by its second argument:
  pid          its process id
  socketDir    $PLUGIN_UNIX_SOCKET_DIR
  socketDirMode, files   that directory's permission bits (octal) and the names in it
  environment  the names of all its environment variables, sorted
  kubeconfig   $KUBECONFIG, or null when the variable is absent
  mode         the kubeconfig's permission bits in octal ("600"), when it exists
  content      the kubeconfig's text
  apiStatus    the HTTP status of GET <server>/api/v1/namespaces/default, the server read from the
               kubeconfig (with its token, if it has one); null without a kubeconfig
  apiError     why that request failed, if it did

Usage: python3 access_reporting_step_plugin.py <directory of step_plugin.py> <report file>
"""

import json
import os
import re
import stat
import sys
import urllib.error
import urllib.request

sys.path.insert(0, sys.argv[1])
import step_plugin  # noqa: E402

REPORT = sys.argv[2]


def mode(path):
    return "%o" % stat.S_IMODE(os.stat(path).st_mode)


def call_api(content):
    server = re.search(r"server:\s*['\"]?([^'\"\s]+)", content).group(1)
    request = urllib.request.Request(server + "/api/v1/namespaces/default")
    token = re.search(r"\btoken:\s*['\"]?([^'\"\s]+)", content)
    if token:
        request.add_header("Authorization", "Bearer " + token.group(1))
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, None
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception as e:  # noqa: BLE001 - the report says what went wrong
        return None, repr(e)


def report():
    socket_dir = os.environ.get("PLUGIN_UNIX_SOCKET_DIR")
    kubeconfig = os.environ.get("KUBECONFIG")
    seen = {
        "pid": os.getpid(),
        "socketDir": socket_dir,
        "socketDirMode": mode(socket_dir),
        "files": sorted(os.listdir(socket_dir)),
        "environment": sorted(os.environ),
        "kubeconfig": kubeconfig,
        "mode": None,
        "content": None,
        "apiStatus": None,
        "apiError": None,
    }
    if kubeconfig is not None and os.path.isfile(kubeconfig):
        seen["mode"] = mode(kubeconfig)
        with open(kubeconfig) as f:
            seen["content"] = f.read()
        seen["apiStatus"], seen["apiError"] = call_api(seen["content"])
    partial = REPORT + ".partial"
    with open(partial, "w") as f:
        json.dump(seen, f)
    os.replace(partial, REPORT)


report()
step_plugin.HERE = sys.argv[1]
sys.argv = sys.argv[:1]
step_plugin.main()
