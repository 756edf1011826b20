import java.nio.file.Path;
import java.util.List;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * A single OpenSearch node for the engine tests and benchmarks: the server jar with the HTTP
 * transport (Netty4Plugin), the common analyzers and Painless as classpath plugins, single-node
 * discovery, HTTP and transport on 127.0.0.1 on ports the OS chooses, its data in the directory
 * given as the only argument. It prints "READY <http port>" once the node has started, stops
 * cleanly on SIGTERM, and exits when its standard input closes (the parent process is gone), so a
 * crashed test run leaves no node behind. No security plugin: plain HTTP on loopback only.
 */
public final class LocalOpenSearch {
  private static final class LocalNode extends Node {
    LocalNode(Environment environment) {
      super(
          environment,
          List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class),
          true);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: LocalOpenSearch <data directory>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    Settings settings =
        Settings.builder()
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("cluster.name", "datalake-local")
            .put("node.name", "local")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", "0")
            .put("transport.port", "0")
            // The disk watermarks would make a nearly full temp disk refuse shards, which is not
            // what the tests measure.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .build();
    LogConfigurator.configureWithoutConfig(settings);
    Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, java.util.Map.of(), null, () -> "local");
    Node node = new LocalNode(environment);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    node.close();
                  } catch (Exception e) {
                    System.err.println("LocalOpenSearch: close failed: " + e);
                  }
                }));
    node.start();
    int port =
        node.injector()
            .getInstance(HttpServerTransport.class)
            .boundAddress()
            .publishAddress()
            .getPort();
    System.out.println("READY " + port);
    System.out.flush();
    Thread watcher =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // Discard: standard input is only watched for its end.
                }
              } catch (Exception e) {
                // A broken pipe means the same as the end: the parent is gone.
              }
              System.exit(0);
            },
            "parent-watcher");
    watcher.setDaemon(false);
    watcher.start();
  }
}
