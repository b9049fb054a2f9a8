# Shared by ./scaleup and ./test: find a JDK 21+, install the Debian packages the stack runs, build the jars.
# Sourced, not run; expects SCALEUP_HOME to be the repository root.

say() { printf 'scaleup: %s\n' "$*" >&2; }

java_major() { "$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }

find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  candidates+=(/usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
  for d in /usr/lib/jvm/*/bin/java; do candidates+=("$d"); done
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for j in "${candidates[@]}"; do
    if [ -x "$j" ] && [ -x "$(dirname "$j")/javac" ]; then
      local major; major="$(java_major "$j")"
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$j"; return 0; fi
    fi
  done
  return 1
}

ensure_packages() {
  local missing=()
  [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  [ -x /usr/sbin/keepalived ] || missing+=(keepalived)
  # arping -D: the load balancers' split-brain check (see VipCheck)
  [ -x /usr/bin/arping ] || missing+=(iputils-arping)
  [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
  [ -x /usr/lib/postgresql/15/bin/psql ] || missing+=(postgresql-client-15)
  [ -x /usr/bin/patroni ] || missing+=(patroni)
  [ -x /usr/bin/etcd ] || missing+=(etcd-server)
  /usr/bin/python3 -c 'import etcd' >/dev/null 2>&1 || missing+=(python3-etcd)
  [ -x /usr/sbin/nft ] || missing+=(nftables)
  [ -x /usr/bin/openssl ] || missing+=(openssl)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages: ${missing[*]}; run as root so they can be installed"; exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # the packages' own services are not wanted in the root namespace: scaleup starts its own servers
  local policy_made=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_made=1
  fi
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$policy_made" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  say "installed: ${missing[*]}"
}

# What `scaleup hosts up` needs to build and boot throwaway Debian hosts (only when a hosts command runs).
ensure_lab_packages() {
  local missing=()
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages: ${missing[*]}; run as root so they can be installed"; exit 1
  fi
  say "installing Debian packages for throwaway hosts: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

stale() {
  local jar="$1"; shift
  [ -f "$jar" ] || return 0
  [ -n "$(find "$@" -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}

ensure_build() {
  local app_jar="$SCALEUP_HOME/app/target/app.jar" cli_jar="$SCALEUP_HOME/control/target/scaleup.jar"
  if stale "$app_jar" "$SCALEUP_HOME/app/src/main" "$SCALEUP_HOME/app/pom.xml" "$SCALEUP_HOME/pom.xml" \
     || stale "$cli_jar" "$SCALEUP_HOME/control/src/main" "$SCALEUP_HOME/control/pom.xml" "$SCALEUP_HOME/pom.xml"; then
    say "building the jars (./mvnw package)…"
    (cd "$SCALEUP_HOME" && ./mvnw -B -q -DskipTests package) >&2
  fi
}

# Sets JAVA and JAVA_HOME or exits with the reason.
use_java() {
  JAVA="$(find_java)" || { say "no JDK 21+ found (install Temurin 25 or openjdk-21-jdk, or set JAVA_HOME)"; exit 1; }
  JAVA_HOME="$(dirname "$(dirname "$JAVA")")"
  export JAVA JAVA_HOME
}

# What the tests need beyond the stack: Debian's Chromium and Node.js for the browser test of the site.
ensure_test_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  # LabHostsIT: throwaway hosts, reached with ansible -m ping
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
  command -v ansible >/dev/null 2>&1 || missing+=(ansible)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages for the tests: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}
