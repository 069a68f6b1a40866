package org.parallax.opensearchlocal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/**
 * One real OpenSearch node, started from the engine's published jars.
 *
 * <p>The official distribution starts {@code org.opensearch.bootstrap.OpenSearch}, which loads
 * modules from a {@code modules/} folder of the tarball. Maven Central has the same modules as
 * jars, so this launcher puts them on the classpath and hands their plugin classes to
 * {@link Node}'s constructor, the way OpenSearch's own test clusters do.
 *
 * <p>Arguments are node settings, {@code key=value} (for example {@code http.port=9200}); {@code
 * path.home} is required and must hold {@code config/log4j2.properties}. scripts/opensearch-local
 * writes both and starts one JVM per node.
 */
public final class LocalNode {

    /** The modules Parallax's requests need (analysis, HTTP, delete-by-query, scripts, mappers). */
    private static final String[] PLUGIN_CLASSES = {
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.painless.PainlessPlugin",
    };

    private LocalNode() {}

    /** Node's constructor that takes classpath plugins is protected: this subclass opens it. */
    private static final class ClasspathPluginsNode extends Node {
        ClasspathPluginsNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings settings = parseSettings(args);
        String home = settings.get("path.home");
        if (home == null) {
            fail("path.home=DIR is required");
        }
        Path config = Paths.get(home, "config");
        if (!Files.isRegularFile(config.resolve("log4j2.properties"))) {
            fail("no log4j2.properties in " + config);
        }
        List<Class<? extends Plugin>> plugins = loadPlugins();
        String nodeName = settings.get("node.name", "node");
        Environment environment =
            InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> nodeName);
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(nodeName);
        LogConfigurator.configure(environment);

        Node node = new ClasspathPluginsNode(environment, plugins);
        CountDownLatch closed = new CountDownLatch(1);
        // SIGTERM (scripts/opensearch-local stop) closes the node cleanly: shards flushed, ports freed.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                closed.countDown();
            }
        }, "opensearch-local-shutdown"));
        try {
            node.start();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
        closed.await(); // the node's own threads do the work; keep the JVM up until it is closed
    }

    private static Settings parseSettings(String[] args) {
        Settings.Builder builder = Settings.builder();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                fail("arguments are node settings written key=value, not " + arg);
            }
            builder.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return builder.build();
    }

    /** Every plugin class, or a clear failure naming the missing one (a jar left out of the build). */
    private static List<Class<? extends Plugin>> loadPlugins() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : PLUGIN_CLASSES) {
            try {
                plugins.add(Class.forName(name).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                fail("plugin class " + name + " is not on the classpath: is its module in tools/opensearch-local/pom.xml?");
            }
        }
        return plugins;
    }

    private static void fail(String message) {
        System.err.println("opensearch-local: " + message);
        System.exit(2);
    }
}
