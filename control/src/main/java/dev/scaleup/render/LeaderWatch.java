package dev.scaleup.render;

import dev.scaleup.topology.Host;
import dev.scaleup.topology.Role;
import dev.scaleup.topology.Topology;
import java.util.List;

/**
 * A watch on the leader key that wakes the host's Patroni as soon as the key is gone, on both targets: a Python
 * program (Patroni's own interpreter, no other package) started beside Patroni by its command line
 * ({@link #patroniCommand}), which dies with Patroni.
 *
 * <p><b>Why.</b> A replica learns that the leader key expired at its next HA loop, 0–1 s after the expiry: Patroni 3.0.2
 * watches the key between its loops only when at least 1 s of the wait is left ({@code while timeout >= 1} in
 * {@code patroni/dcs/etcd.py}), which at {@code loop_wait} 1 s never happens. In twelve alternated db-primary-kills a
 * replica acted on the expiry 4.13–4.90 s after the leader's last renewal without the watch, 3.98–4.46 s with it
 * (docs/RELIABILITY.md). The watch reads an
 * etcd v2 stream of the key's changes and, when the key expires or is deleted, sends the host's Patroni a
 * {@code PATCH /config} of an empty section, which changes nothing and runs its HA loop at once (as
 * {@link RoleChange} does for the other members after a promotion).
 *
 * <p><b>No new decision.</b> The watch decides nothing: the woken loop reads the cluster from etcd and does what its
 * next loop would have done 0–1 s later. A key that is there is never touched, so it cannot start a failover that
 * Patroni would not start itself.
 *
 * <p><b>Which etcd member.</b> The host's own member first (the one that stays reachable while the host is), the next
 * one after an error. After 5 s without an event (a leader renews its key every second) the watch asks again with a
 * quorum read, so a member cut off from the others is left. On every (re)connection the key is read first: a key that
 * went while no stream was open wakes Patroni too.
 */
public final class LeaderWatch {

    public static final String FILE = "leader-watch.py";
    /** The watch's process name (comm), set by the program itself: {@code python3} would be anybody's. */
    public static final String PROCESS = "leader-watch";
    static final String PYTHON = "/usr/bin/python3";

    private LeaderWatch() {}

    public static RenderedFile render(Topology t, Host host) {
        Text.requireRole(host, Role.DB, FILE);
        return new RenderedFile(FILE, Text.banner(t, host) + SCRIPT, RenderedFile.PUBLIC);
    }

    /**
     * Patroni's command line, with the watch started beside it: {@code sh -c} starts the watch in the background with
     * SIGTERM as its parent-death signal, then becomes Patroni ({@code exec}), so the watch ends when Patroni does
     * (killed, stopped, restarted by systemd) and Patroni keeps its pid, signals and exit status.
     */
    public static List<String> patroniCommand(HostPaths paths) {
        String patroniYml = Text.path(paths.conf(PatroniConfig.FILE));
        String script = Text.path(paths.conf(FILE));
        return List.of("/bin/sh", "-c", "/usr/bin/setpriv --pdeathsig TERM -- " + PYTHON + " " + script + " "
                + patroniYml + " & exec /usr/bin/patroni " + patroniYml);
    }

    /** {@link #patroniCommand} as a systemd command line: the shell's script in single quotes (it holds none). */
    public static String systemdCommand(HostPaths paths) {
        List<String> argv = patroniCommand(paths);
        return argv.get(0) + " " + argv.get(1) + " '" + argv.get(2) + "'";
    }

    /** The syntax check of {@link ConfigCheck}: Python's own parser, writing no byte code. */
    static List<String> check(HostPaths paths, java.util.function.UnaryOperator<String> program) {
        return List.of(program.apply("python3"), "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                paths.conf(FILE).toString());
    }

    static final String SCRIPT = """
            # Wakes this host's Patroni as soon as the leader key is gone (expired or deleted): its next HA loop would
            # see it up to loop_wait (1 s) later. Run beside Patroni: python3 leader-watch.py <patroni.yml>.
            # It decides nothing: the woken loop reads the cluster from etcd and does what it would have done anyway.
            import base64
            import ctypes
            import http.client
            import json
            import socket
            import sys
            import time

            import yaml

            IDLE_S = 5  # a leader renews its key every loop_wait (1 s): this long without an event, ask a quorum again
            GONE = ('expire', 'delete', 'compareAndDelete')

            try:  # the process name "leader-watch", not python3 (ps, the drills' lists of processes)
                ctypes.CDLL(None).prctl(15, b'leader-watch', 0, 0, 0)
            except (OSError, AttributeError):
                pass

            with open(sys.argv[1]) as f:
                conf = yaml.safe_load(f)
            name = conf['name']
            key = '/v2/keys/' + conf.get('namespace', '/service/').strip('/') + '/' + str(conf['scope']) + '/leader'
            api = conf['restapi']['connect_address']
            auth = conf['restapi'].get('authentication')
            headers = {'Content-Type': 'application/json'}
            if auth:
                token = base64.b64encode((auth['username'] + ':' + auth['password']).encode()).decode()
                headers['Authorization'] = 'Basic ' + token
            members = conf['etcd']['hosts']
            if isinstance(members, str):
                members = [m.strip() for m in members.split(',') if m.strip()]
            own = api.rsplit(':', 1)[0]
            members.sort(key=lambda m: m.rsplit(':', 1)[0] != own)  # this host's member first


            def log(level, msg):
                now = time.time()
                stamp = time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(now)) + ',%03d' % (int(now * 1000) % 1000)
                print('%s %s %s: leader-watch: %s' % (stamp, name, level, msg), flush=True)


            def wake(why):
                log('INFO', 'the leader key %s: waking Patroni' % why)
                try:
                    c = http.client.HTTPConnection(api, timeout=2)
                    c.request('PATCH', '/config', body=b'{"postgresql":{}}', headers=headers)
                    r = c.getresponse()
                    r.read()
                    c.close()
                    if r.status != 200:
                        log('WARNING', 'Patroni answered PATCH /config with %d' % r.status)
                except OSError as e:
                    log('WARNING', 'could not wake Patroni at %s: %s' % (api, e))


            def watch(member, present):
                \"""Follows the key on one member until an error; returns whether the key was there last.\"""
                c = http.client.HTTPConnection(member, timeout=2)
                try:
                    c.request('GET', key + '?quorum=true')
                    r = c.getresponse()
                    r.read()
                    if r.status not in (200, 404):
                        raise OSError('etcd answered %d' % r.status)
                    if r.status == 404 and present:
                        wake('is gone')
                    present = r.status == 200
                    index = int(r.getheader('X-Etcd-Index'))
                    c.request('GET', key + '?wait=true&stream=true&waitIndex=%d' % (index + 1))
                    r = c.getresponse()
                    if r.status != 200:
                        raise OSError('etcd answered %d to the watch' % r.status)
                    c.sock.settimeout(IDLE_S)
                    while True:
                        try:
                            line = r.readline()
                        except socket.timeout:
                            return present
                        if not line:
                            raise OSError('etcd ended the watch')
                        if not line.strip():
                            continue
                        event = json.loads(line)
                        if 'errorCode' in event:
                            return present  # e.g. the index was cleared: read the key again
                        if event.get('action') in GONE:
                            if present:
                                wake('%s (etcd: %s)' % ('expired' if event['action'] == 'expire' else 'was deleted',
                                                        event['action']))
                            present = False
                        else:
                            present = True
                finally:
                    c.close()


            log('INFO', 'watching %s on %s' % (key[len('/v2/keys'):], ', '.join(members)))
            present = False
            i = 0
            quiet_until = 0  # one line about etcd's errors every 30 s at most (all members down: 5 tries a second)
            while True:
                member = members[i % len(members)]
                try:
                    present = watch(member, present)
                except (OSError, ValueError, http.client.HTTPException) as e:
                    if time.monotonic() >= quiet_until:
                        log('WARNING', 'etcd %s: %s; trying the next member' % (member, e))
                        quiet_until = time.monotonic() + 30
                    i += 1
                    time.sleep(0.2)
            """;
}
