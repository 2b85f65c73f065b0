package ee.koostoo.neo4jlocal;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

import sun.misc.Signal;

/**
 * Runs Neo4j Community embedded with only a loopback Bolt connector, so the Python app can
 * talk to a real Neo4j with the official driver without a separate server install.
 *
 * <p>The contract with graph/local.py: stdout carries exactly one line, {@code READY
 * bolt://127.0.0.1:PORT}, and only once a driver can really connect; everything else goes to
 * stderr or to {@code <home>/logs/}. Failures are one {@code ERROR ...} line on stderr and a
 * distinct exit code, so the caller can tell the user what to do without parsing stack traces.
 */
public final class Launcher {

    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_BAD_ARGS = 2;
    static final int EXIT_PORT_IN_USE = 3;
    static final int EXIT_LOCKED = 4;

    private static final String HOST = "127.0.0.1";
    private static final long READY_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);

    /** Counted down by SIGTERM/SIGINT or by the parent process exiting. */
    private static final CountDownLatch STOP = new CountDownLatch(1);
    private static final AtomicInteger SIGNALS = new AtomicInteger();
    private static volatile DatabaseManagementService dbms;

    private Launcher() {
    }

    public static void main(String[] args) {
        // Keep a handle on the real stdout and point System.out at stderr: whatever a library
        // prints must never be mistaken for (or interleave with) the READY line.
        PrintStream protocolOut = new PrintStream(
                new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.BadArguments e) {
            System.exit(fail(EXIT_BAD_ARGS, e.getMessage()));
            return;
        }
        if (options.help) {
            protocolOut.println(Options.USAGE);
            System.exit(EXIT_OK);
        }
        System.exit(run(options, protocolOut));
    }

    private static int run(Options o, PrintStream protocolOut) {
        Optional<ProcessHandle> parent = Optional.empty();
        if (o.parentPid != null) {
            parent = ProcessHandle.of(o.parentPid).filter(ProcessHandle::isAlive);
            if (parent.isEmpty()) {
                return fail(EXIT_BAD_ARGS, "--parent-pid " + o.parentPid
                        + " is not a running process; pass the pid of the process that owns this database");
            }
        }

        try {
            Files.createDirectories(o.home);
        } catch (IOException | RuntimeException e) {
            return fail(EXIT_BAD_ARGS, "cannot create --home directory " + o.home + ": " + e
                    + "; pass a writable directory");
        }

        int port;
        try {
            port = o.port == 0 ? findFreePort() : o.port;
        } catch (IOException e) {
            return fail(EXIT_FAILURE, "cannot find a free port on " + HOST + ": " + e.getMessage());
        }
        // Checked up front because Neo4j only reports a taken port deep inside a startup
        // stack trace, after it has already opened (and locked) the store.
        if (!portIsFree(port)) {
            return portInUse(port);
        }

        installSignalHandlers();
        // onExit() also completes at once if the parent is already gone by now.
        parent.ifPresent(p -> p.onExit().thenRun(() -> {
            System.err.println("neo4j-local: parent process " + p.pid() + " exited, shutting down");
            STOP.countDown();
        }));
        // Covers exits that do not go through our signal handlers (System.exit from elsewhere,
        // SIGHUP): the store is still closed cleanly so the next start needs no recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::stopDbms, "neo4j-local-shutdown"));

        try {
            dbms = build(o, port);
        } catch (Throwable t) {
            return startupFailure(t, o.home, port);
        }

        try {
            awaitReady(dbms, port);
        } catch (Exception e) {
            stopDbms();
            return startupFailure(e, o.home, port);
        }

        // A signal or the parent's exit during startup is honoured only now, once the store
        // is fully open, so that stopping never interrupts store creation or recovery. Nobody
        // waits for READY then, so it is not printed.
        if (STOP.getCount() > 0) {
            protocolOut.println("READY bolt://" + HOST + ":" + port);
            protocolOut.flush();
        }

        awaitUninterruptibly(STOP);
        System.err.println("neo4j-local: shutting down");
        try {
            stopDbms();
        } catch (RuntimeException e) {
            return fail(EXIT_FAILURE, "shutdown failed: " + e
                    + "; see " + o.home.resolve("logs").resolve("debug.log"));
        }
        return EXIT_OK;
    }

    private static DatabaseManagementService build(Options o, int port) {
        SocketAddress bolt = new SocketAddress(HOST, port);
        return new DatabaseManagementServiceBuilder(o.home)
                .setConfig(GraphDatabaseSettings.logs_directory, o.home.resolve("logs"))
                .setConfig(GraphDatabaseSettings.pagecache_memory, o.pageCacheBytes)
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, o.txMemoryBytes)
                // One transaction (an analyst's console query) must fail with a clear
                // "memory limit" error before it can exhaust the heap for everyone.
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, o.txMaxBytes)
                // Safe only because Bolt listens on loopback and nothing else is exposed.
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Netty waits this many seconds of silence per event loop group (two of them)
                // before Bolt stops: 5 s by default, i.e. ~10 s added to every shutdown. Clients
                // are already disconnected at that point, so a local database need not wait.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
    }

    /**
     * build() returns before the default database has necessarily finished starting, and the
     * Bolt server binds asynchronously; the caller connects as soon as it sees READY, so wait
     * for both instead of trusting either alone.
     */
    private static void awaitReady(DatabaseManagementService service, int port) throws Exception {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        GraphDatabaseService db = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        while (!db.isAvailable(1000)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("database '" + db.databaseName()
                        + "' did not become available within " + READY_TIMEOUT_MS / 1000 + " s");
            }
        }
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName(HOST), port), 1000);
                return;
            } catch (IOException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("Bolt port " + HOST + ":" + port
                            + " did not accept connections within " + READY_TIMEOUT_MS / 1000 + " s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Idempotent, so the signal path and the shutdown hook can both call it. */
    private static synchronized void stopDbms() {
        DatabaseManagementService service = dbms;
        dbms = null;
        if (service != null) {
            service.shutdown();
        }
    }

    /**
     * With only a shutdown hook, SIGTERM would end the JVM with status 143 even after a clean
     * shutdown; handling the signals ourselves lets main() close Neo4j and exit 0. A second
     * signal means the caller has lost patience, so stop waiting for the clean path.
     */
    private static void installSignalHandlers() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (SIGNALS.incrementAndGet() > 1) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                    STOP.countDown();
                });
            } catch (IllegalArgumentException e) {
                // Signal not available on this platform (or -Xrs given): the shutdown hook still applies.
            }
        }
    }

    private static int findFreePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        }
    }

    private static boolean portIsFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            // Same option Netty uses, so a port left in TIME_WAIT by our previous run counts as free.
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int portInUse(int port) {
        return fail(EXIT_PORT_IN_USE, "Bolt port " + HOST + ":" + port
                + " is already in use; stop whatever listens there, or pass another --port (or --port 0 for a free one)");
    }

    private static int startupFailure(Throwable t, Path home, int port) {
        if (hasCause(t, "FileLockException") || hasCause(t, "StoreLockException")) {
            return fail(EXIT_LOCKED, "the Neo4j home " + home
                    + " is locked by another running instance; stop that instance or use another --home");
        }
        // Lost the race for the port between our check and Neo4j binding it.
        if (hasCause(t, "PortBindException") || causeOfType(t, BindException.class)) {
            return portInUse(port);
        }
        t.printStackTrace(System.err);
        return fail(EXIT_FAILURE, "Neo4j failed to start: " + rootMessage(t)
                + "; see " + home.resolve("logs").resolve("debug.log"));
    }

    private static boolean hasCause(Throwable t, String simpleName) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
                if (k.getSimpleName().equals(simpleName)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean causeOfType(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        StringBuilder sb = new StringBuilder(String.valueOf(t));
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != t) {
            sb.append(" (caused by ").append(root).append(')');
        }
        // The contract is one line; Neo4j messages sometimes span several.
        return sb.toString().replaceAll("\\s*\\R\\s*", " ");
    }

    private static int fail(int code, String message) {
        System.err.println("ERROR " + message.replaceAll("\\s*\\R\\s*", " "));
        System.err.flush();
        return code;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
