package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class AnsibleProvisionerTest {

    /** A scale changes hosts' files and the inventory; anything else (roles, the app release) runs site.yml everywhere. */
    @Test
    void aScaleReachesOnlyTheHostsWhenOnlyHostsFilesChanged() {
        assertThat(AnsibleProvisioner.onlyHostFiles(Set.of("inventory.yml", "host_files/web3/nginx.conf",
                "host_files/lb1/haproxy.cfg"))).isTrue();
        assertThat(AnsibleProvisioner.onlyHostFiles(Set.of())).isTrue();
        assertThat(AnsibleProvisioner.onlyHostFiles(Set.of("host_files/web3/nginx.conf", "group_vars/all.yml"))).isFalse();
        assertThat(AnsibleProvisioner.onlyHostFiles(Set.of("roles/app/tasks/main.yml"))).isFalse();
    }
}
