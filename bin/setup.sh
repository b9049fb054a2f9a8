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
  # Patroni's child subreaper on the netns target (DbService)
  [ -x /usr/bin/tini ] || missing+=(tini)
  [ -x /usr/bin/etcd ] || missing+=(etcd-server)
  # backups (backup.enabled): the repository host and every db host run pgBackRest
  [ -x /usr/bin/pgbackrest ] || missing+=(pgbackrest)
  # db.pooler: PgBouncer on every db host
  [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
  /usr/bin/python3 -c 'import etcd' >/dev/null 2>&1 || missing+=(python3-etcd)
  [ -x /usr/sbin/nft ] || missing+=(nftables)
  [ -x /usr/bin/openssl ] || missing+=(openssl)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  # bounds the netns hosts' log files (ops.LogRotation)
  [ -x /usr/sbin/logrotate ] || missing+=(logrotate)
  # the monitoring host (monitoring.enabled) and every tier's exporters; they run as Debian's prometheus user
  [ -x /usr/bin/prometheus ] || missing+=(prometheus)
  [ -x /usr/bin/prometheus-alertmanager ] || missing+=(prometheus-alertmanager)
  [ -x /usr/bin/prometheus-node-exporter ] || missing+=(prometheus-node-exporter)
  [ -x /usr/bin/prometheus-nginx-exporter ] || missing+=(prometheus-nginx-exporter)
  [ -x /usr/bin/prometheus-postgres-exporter ] || missing+=(prometheus-postgres-exporter)
  # scaleup bench's load generator
  [ -x /usr/bin/wrk ] || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] && return 0
  # the packages' own services are not wanted in the root namespace: scaleup starts its own servers
  local policy_made=0
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; policy_made=1
  fi
  apt_install "the stack" "${missing[@]}"
  if [ "$policy_made" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}

# Installs the named Debian packages (apt-get update first), saying why; as root only.
apt_install() {
  local why="$1"; shift
  if [ "$(id -u)" -ne 0 ]; then
    say "missing packages ($why): $*; run as root so they can be installed"; exit 1
  fi
  say "installing Debian packages ($why): $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "$@" >/dev/null
  say "installed: $*"
}

# The hosts target drives its servers with Ansible (Debian's ansible: ansible-core 2.14 and the collections the
# generated project uses, ansible.posix among them). Only needed when a topology file says target: hosts, or for
# the tests (the generated project's syntax check).
ensure_ansible() {
  command -v ansible-playbook >/dev/null 2>&1 || apt_install "the hosts target" ansible
}

# True when the arguments name a topology file (-f FILE, --file FILE, -f=FILE) whose target is hosts.
wants_hosts_target() {
  local previous="" file=""
  for arg in "$@"; do
    case "$previous" in -f|--file) file="$arg" ;; esac
    case "$arg" in -f=*|--file=*) file="${arg#*=}" ;; esac
    previous="$arg"
  done
  [ -n "$file" ] && [ -f "$file" ] && grep -Eq '^target:[[:space:]]*hosts([[:space:]]|#|$)' "$file"
}

# What `scaleup hosts up` needs to build and boot throwaway Debian hosts (only when a hosts command runs).
ensure_lab_packages() {
  local missing=()
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
  [ ${#missing[@]} -eq 0 ] || apt_install "throwaway hosts" "${missing[@]}"
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
  # the generated Ansible project's syntax check (AnsibleProjectTest); LabHostsIT: throwaway hosts, reached with
  # ansible -m ping
  command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  command -v systemd-nspawn >/dev/null 2>&1 || missing+=(systemd-container)
  command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
  [ ${#missing[@]} -eq 0 ] || apt_install "the tests" "${missing[@]}"
}
