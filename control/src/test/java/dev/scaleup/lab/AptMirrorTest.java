package dev.scaleup.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AptMirrorTest {

    @Test
    void findsTheSuitesMirrorInDeb822Sources() {
        String sources = """
                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main

                Types: deb
                URIs: http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                """;
        assertThat(AptMirror.find(sources, "bookworm")).hasValue("http://mirror.example/debian");
        assertThat(AptMirror.find(sources, "trixie")).isEmpty();
    }

    @Test
    void findsTheSuitesMirrorInOneLineSources() {
        String list = """
                deb http://security.debian.org/debian-security bookworm-security main
                deb [arch=amd64 signed-by=/k.gpg] http://ftp.example/debian bookworm main contrib
                """;
        assertThat(AptMirror.find(list, "bookworm")).hasValue("http://ftp.example/debian");
    }
}
