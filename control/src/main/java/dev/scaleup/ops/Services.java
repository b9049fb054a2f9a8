package dev.scaleup.ops;

import dev.scaleup.topology.Role;
import java.util.EnumMap;
import java.util.Map;

/** The service of each role for one deployment. */
public final class Services {

    private final Map<Role, HostService> byRole = new EnumMap<>(Role.class);

    public Services(Deployment deployment, Tools tools) {
        byRole.put(Role.LB, new LbService(deployment, tools));
        byRole.put(Role.WEB, new WebService(deployment, tools));
        byRole.put(Role.APP, new AppService(deployment, tools));
        byRole.put(Role.DB, new DbService(deployment, tools));
        byRole.put(Role.BACKUP, new BackupService(deployment));
        byRole.put(Role.MON, new MonService(deployment));
    }

    public HostService of(Role role) {
        return byRole.get(role);
    }

    public LbService lb() {
        return (LbService) byRole.get(Role.LB);
    }

    public DbService db() {
        return (DbService) byRole.get(Role.DB);
    }

    public BackupService backup() {
        return (BackupService) byRole.get(Role.BACKUP);
    }
}
