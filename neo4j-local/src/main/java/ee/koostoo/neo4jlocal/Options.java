package ee.koostoo.neo4jlocal;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Command-line options of the launcher. Parsing is strict on purpose: the caller is a
 * program (graph/local.py), so a typo should fail loudly with exit 2 instead of silently
 * starting a database with defaults the caller did not ask for.
 */
final class Options {

    static final String USAGE = String.join("\n",
            "usage: java [jvm flags] -jar neo4j-local.jar --home DIR [options]",
            "",
            "Starts embedded Neo4j Community with Bolt on 127.0.0.1 (auth and TLS disabled).",
            "Prints 'READY bolt://127.0.0.1:PORT' on stdout once the database accepts connections.",
            "",
            "  --home DIR          DBMS home (data, transactions, logs); created if missing. Required.",
            "  --port N            Bolt port on 127.0.0.1 (default 7687; 0 = pick a free port)",
            "  --pagecache SIZE    page cache size, e.g. 256m, 1g (default 256m)",
            "  --tx-memory SIZE    cap on memory of all running transactions (default 256m)",
            "  --tx-max SIZE       cap on memory of any one transaction (default 128m)",
            "  --parent-pid PID    shut down cleanly and exit 0 when process PID exits",
            "  --help              print this text",
            "",
            "Exit codes: 0 clean shutdown, 1 startup failure, 2 bad arguments,",
            "            3 Bolt port in use, 4 home directory locked by another instance.");

    /** Thrown for anything the caller got wrong on the command line (exit code 2). */
    static final class BadArguments extends Exception {
        BadArguments(String message) {
            super(message);
        }
    }

    Path home;
    int port = 7687;
    long pageCacheBytes = parseSize("256m");
    long txMemoryBytes = parseSize("256m");
    long txMaxBytes = parseSize("128m");
    Long parentPid;
    boolean help;

    static Options parse(String[] args) throws BadArguments {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value = null;
            // Accept both "--port 7687" and "--port=7687"; the second form is easy to get from scripts.
            int eq = name.indexOf('=');
            if (name.startsWith("--") && eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (name.equals("--help") || name.equals("-h")) {
                o.help = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BadArguments(name + " needs a value (see --help)");
                }
                value = args[++i];
            }
            switch (name) {
                case "--home" -> o.home = Path.of(value).toAbsolutePath().normalize();
                case "--port" -> {
                    o.port = parseInt(name, value);
                    if (o.port < 0 || o.port > 65535) {
                        throw new BadArguments("--port must be between 0 and 65535, got " + value);
                    }
                }
                case "--pagecache" -> o.pageCacheBytes = parseSizeArg(name, value);
                case "--tx-memory" -> o.txMemoryBytes = parseSizeArg(name, value);
                case "--tx-max" -> o.txMaxBytes = parseSizeArg(name, value);
                case "--parent-pid" -> {
                    long pid = parseLong(name, value);
                    if (pid <= 0) {
                        throw new BadArguments("--parent-pid must be a positive process id, got " + value);
                    }
                    o.parentPid = pid;
                }
                default -> throw new BadArguments("unknown option " + name + " (see --help)");
            }
        }
        if (!o.help && o.home == null) {
            throw new BadArguments("--home DIR is required (see --help)");
        }
        return o;
    }

    /** Sizes in the style of neo4j.conf: a number with an optional binary k/m/g/t suffix. */
    static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
        }
        if (unit != 1) {
            s = s.substring(0, s.length() - 1);
        }
        long n = Long.parseLong(s.trim());
        if (n <= 0) {
            throw new NumberFormatException("size must be positive");
        }
        return Math.multiplyExact(n, unit);
    }

    private static long parseSizeArg(String name, String value) throws BadArguments {
        try {
            return parseSize(value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new BadArguments(name + " expects a size such as 256m or 1g, got '" + value + "'");
        }
    }

    private static int parseInt(String name, String value) throws BadArguments {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new BadArguments(name + " expects a whole number, got '" + value + "'");
        }
    }

    private static long parseLong(String name, String value) throws BadArguments {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new BadArguments(name + " expects a whole number, got '" + value + "'");
        }
    }
}
