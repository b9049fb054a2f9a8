package dev.scaleup.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HaproxySocketTest {

    @Test
    void readsServerStatesOfOneBackendFromShowStat() {
        String csv = """
                # pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
                fe_http,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,
                be_web,web1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1
                be_web,web2,0,0,0,1,,1,0,0,,0,,0,0,0,0,DOWN,1
                be_web,web3,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP 1/2,1
                be_web,BACKEND,0,0,0,1,410,3,0,0,0,0,,0,0,0,0,UP,2
                """;
        var servers = HaproxySocket.parseStat(csv, "be_web");
        assertThat(servers).extracting(HaproxySocket.ServerState::server).containsExactly("web1", "web2", "web3");
        assertThat(servers).extracting(HaproxySocket.ServerState::up).containsExactly(true, false, true);
        assertThat(HaproxySocket.parseStat("", "be_web")).isEmpty();
        assertThat(HaproxySocket.parseStat(csv, "other")).isEmpty();
    }
}
