package io.weakpair.cli;

import picocli.CommandLine;

/** Reads the version from the jar manifest (the Maven project version), "dev" outside a jar. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"weakpair " + (v != null ? v : "dev")};
    }
}
