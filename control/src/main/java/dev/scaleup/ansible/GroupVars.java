package dev.scaleup.ansible;

import dev.scaleup.render.Etcd;
import dev.scaleup.render.HaproxyConfig;
import dev.scaleup.render.HostPaths;
import dev.scaleup.render.PatroniConfig;
import dev.scaleup.render.PgBackRestConfig;
import dev.scaleup.topology.Topology;

/**
 * {@code group_vars/all.yml}: what the roles need to know of the deployment (ports, addresses, where things are on
 * a server and on the control machine). No secrets: those are in the hosts' files only.
 */
final class GroupVars {

    private GroupVars() {}

    static String render(Topology t, Inputs in) {
        HostPaths paths = HostPaths.onServer();
        return Yaml.banner(t.name()) + """
                scaleup_deployment: %s
                scaleup_vip: %s
                scaleup_interface: %s
                scaleup_lb_port: %d
                scaleup_https_port: %d
                scaleup_peer_port: %d
                scaleup_web_port: %d
                scaleup_app_port: %d
                scaleup_db_port: %d
                scaleup_db_user: %s
                # PgBouncer in front of every db host's PostgreSQL (db.pooler)
                scaleup_pooler: %s
                scaleup_patroni_port: %d
                scaleup_etcd_client_port: %d
                # pgBackRest: backups on (db hosts run its TLS server too), its port, the stanza
                scaleup_backup: %s
                scaleup_backup_port: %d
                scaleup_stanza: %s
                # the monitoring host (monitoring.enabled): Prometheus's and Alertmanager's ports
                scaleup_monitoring: %s
                scaleup_prometheus_port: %d
                scaleup_alertmanager_port: %d
                # where scaleup's files are on every server
                scaleup_conf: %s
                scaleup_data: %s
                scaleup_run: %s
                # on the control machine
                scaleup_site: %s
                scaleup_ca: %s
                scaleup_app_bundle: %s
                scaleup_app_release: %s
                """.formatted(Yaml.quote(t.name()), Yaml.quote(t.network().vip()), Yaml.quote(t.hostInterface()),
                t.lb().port(), t.lb().edge().httpsPort(), HaproxyConfig.PEER_PORT, t.web().port(), t.app().port(),
                t.db().port(), Yaml.quote(t.db().user()), t.db().pooler(), PatroniConfig.REST_PORT, Etcd.CLIENT_PORT,
                t.backup().enabled(), dev.scaleup.topology.Backup.TLS_PORT, Yaml.quote(PgBackRestConfig.stanza(t)),
                t.monitoring().enabled(), dev.scaleup.topology.Monitoring.PROMETHEUS_PORT,
                dev.scaleup.topology.Monitoring.ALERTMANAGER_PORT, Yaml.quote(paths.conf()), Yaml.quote(paths.data()), Yaml.quote(paths.run()), Yaml.quote(in.site()),
                Yaml.quote(in.caCert()), Yaml.quote(in.appBundle()), Yaml.quote(in.appRelease()));
    }
}
