# Installs what driftwatch's build, tests and demo need on a Debian machine with the Swift toolchain.
# Sourced by .ci/test and .ci/demo; each step is skipped when its tool is already present.

install_prerequisites() {
    export PATH="/opt/swift/usr/bin:$PATH"
    local packages=()
    pkg-config --exists libzmq 2>/dev/null || packages+=(libzmq3-dev)
    command -v pkg-config >/dev/null || packages+=(pkg-config)
    # promtool and a real Prometheus server check and scrape the collector's /metrics in the tests.
    command -v promtool >/dev/null || packages+=(prometheus)
    # A real Alertmanager receives the collector's alerts (v2 API) and silences them in the tests.
    command -v prometheus-alertmanager >/dev/null || packages+=(prometheus-alertmanager)
    # tshark captures loopback traffic in the security tests, to show CURVE leaves no plaintext on the wire.
    command -v tshark >/dev/null || packages+=(tshark)
    # openssl makes the self-signed certificates of the HTTPS tests; curl fetches over HTTPS with --cacert.
    command -v openssl >/dev/null || packages+=(openssl)
    command -v curl >/dev/null || packages+=(curl)
    if ((${#packages[@]})); then
        echo "==> apt-get install ${packages[*]}"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo="sudo"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
    fi
    # pyzmq drives the interoperability tests (a producer and a subscriber we did not write).
    if ! python3 -c "import zmq" 2>/dev/null; then
        echo "==> pip install pyzmq"
        python3 -m pip install --quiet --disable-pip-version-check "pyzmq==27.3.0"
    fi
    # numpy powers the small model server behind the agent's reverse proxy in the agent tests.
    if ! python3 -c "import numpy" 2>/dev/null; then
        echo "==> pip install numpy"
        python3 -m pip install --quiet --disable-pip-version-check "numpy==2.4.6"
    fi
}
