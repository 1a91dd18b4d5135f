package dev.autogateway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.autogateway.cli.Main;
import dev.autogateway.config.ConfigLoader;
import dev.autogateway.config.GatewayConfig;
import dev.autogateway.config.ServerConfig;
import dev.autogateway.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What can be checked of docker/ without a Docker engine: the image's command is run here as the container would run
 * it, the compose file parses and wires two clustered gateways behind one load balancer, and nginx.conf balances
 * over exactly those two.
 */
class DockerFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path DOCKER = ROOT.resolve("docker");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    // ---- Dockerfile -------------------------------------------------------------------------------------------

    /** One instruction, continuation lines joined; {@code stage} is the name of the FROM ... AS it belongs to. */
    record Instruction(String stage, String keyword, String args) {}

    private static List<Instruction> dockerfile() throws IOException {
        String text = Files.readString(DOCKER.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
        List<Instruction> out = new ArrayList<>();
        String stage = "";
        int n = 0;
        for (String line : text.split("\n")) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] kv = l.split("\\s+", 2);
            String keyword = kv[0].toUpperCase();
            String args = kv.length > 1 ? kv[1].trim() : "";
            if (keyword.equals("FROM")) {
                Matcher as = Pattern.compile("(?i)\\s+AS\\s+(\\S+)$").matcher(args);
                stage = as.find() ? as.group(1) : "stage" + n;
                n++;
            }
            out.add(new Instruction(stage, keyword, args));
        }
        return out;
    }

    private static Instruction only(List<Instruction> all, String keyword) {
        List<Instruction> found = all.stream().filter(i -> i.keyword().equals(keyword)).toList();
        assertThat(found).as("one " + keyword + " in docker/Dockerfile").hasSize(1);
        return found.get(0);
    }

    private static List<String> execForm(Instruction i) throws IOException {
        assertThat(i.args()).as(i.keyword() + " in exec form (JSON array)").startsWith("[");
        return JSON.readValue(i.args(), new TypeReference<List<String>>() {});
    }

    /** The final stage's {@code COPY src dest} (not --from): destination in the image to source in the repository. */
    private static Map<String, String> copiedFromRepo(List<Instruction> all, String stage) {
        Map<String, String> out = new LinkedHashMap<>();
        all.stream().filter(i -> i.stage().equals(stage) && i.keyword().equals("COPY") && !i.args().startsWith("--"))
                .forEach(i -> {
                    String[] parts = i.args().split("\\s+");
                    out.put(parts[parts.length - 1], parts[0]);
                });
        return out;
    }

    private static String finalStage(List<Instruction> all) {
        return all.get(all.size() - 1).stage();
    }

    private static List<String> cmd() throws IOException {
        return execForm(only(dockerfile(), "CMD"));
    }

    private static int cmdPort(List<String> cmd) {
        return Integer.parseInt(cmd.get(cmd.indexOf("--port") + 1));
    }

    private static Document pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
    }

    private static List<String> texts(Document doc, String tag) {
        NodeList nodes = doc.getElementsByTagName(tag);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    @Test
    void the_image_runs_the_fat_jar_that_the_build_stage_packages_as_pid_1() throws Exception {
        List<Instruction> df = dockerfile();
        Document pom = pom();
        String jar = "/src/target/" + texts(pom, "finalName").get(0) + ".jar";
        Instruction copyJar = df.stream().filter(i -> i.keyword().equals("COPY") && i.args().startsWith("--from=build "))
                .findFirst().orElseThrow();
        assertThat(copyJar.args()).isEqualTo("--from=build " + jar + " /app/auto-gateway.jar");
        assertThat(texts(pom, "mainClass")).containsExactly(Main.class.getName());

        List<String> entrypoint = execForm(only(df, "ENTRYPOINT"));
        assertThat(entrypoint).hasSize(4);
        assertThat(entrypoint.subList(0, 2)).containsExactly("sh", "-c");
        // exec: java replaces the shell as PID 1 and gets docker stop's SIGTERM itself; "$@": CMD's arguments reach it.
        assertThat(entrypoint.get(2)).isEqualTo("exec java $JAVA_OPTS -jar /app/auto-gateway.jar \"$@\"");
        assertThat(only(df, "USER").args()).doesNotStartWith("0").doesNotStartWith("root");
    }

    /**
     * Netty's epoll library in the jar needs glibc symbols that musl lacks: on an Alpine runtime, gcompat must be both
     * installed and preloaded, or the gateway quietly runs on Java NIO. (Whether it then loads needs a Docker engine.)
     */
    @Test
    void an_alpine_runtime_installs_and_preloads_gcompat_for_the_epoll_library() throws Exception {
        List<Instruction> df = dockerfile();
        String runtime = finalStage(df);
        Instruction from = df.stream().filter(i -> i.stage().equals(runtime) && i.keyword().equals("FROM")).findFirst().orElseThrow();
        assumeTrue(from.args().contains("alpine"), "not an Alpine runtime image");
        assertThat(df.stream().filter(i -> i.stage().equals(runtime) && i.keyword().equals("RUN")).map(Instruction::args))
                .anyMatch(run -> run.matches(".*\\bapk add --no-cache gcompat\\b.*"));
        assertThat(only(df, "ENV").args()).contains(" LD_PRELOAD=/lib/libgcompat.so.0");
    }

    @Test
    void the_build_stage_copies_everything_the_pom_builds_from_and_the_context_keeps_it() throws Exception {
        List<Instruction> df = dockerfile();
        Set<String> needed = new TreeSet<>(List.of("pom.xml", "src"));
        texts(pom(), "directory").stream().filter(d -> !d.startsWith("src/") && !d.startsWith("${")).forEach(needed::add);
        List<String> copied = df.stream().filter(i -> i.stage().equals("build") && i.keyword().equals("COPY"))
                .map(i -> i.args().split("\\s+")[0]).toList();
        for (String path : needed) {
            assertThat(copied).as("the build stage copies " + path).anyMatch(c -> path.equals(c) || path.startsWith(c + "/"));
        }
        Set<String> inContext = new TreeSet<>(needed);
        inContext.addAll(copiedFromRepo(df, finalStage(df)).values());
        List<String> ignore = Files.readAllLines(DOCKER.resolve("Dockerfile.dockerignore")).stream().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String path : inContext) {
            assertThat(ROOT.resolve(path)).exists();
            assertThat(keptInContext(ignore, path)).as(path + " is sent with the build context").isTrue();
        }
    }

    /** .dockerignore semantics for the patterns used here: the last matching line wins, "!" keeps. */
    private static boolean keptInContext(List<String> patterns, String path) {
        boolean kept = true;
        for (String p : patterns) {
            boolean keep = p.startsWith("!");
            String pat = (keep ? p.substring(1) : p).replaceAll("/+$", "");
            if (pat.equals("*") || path.equals(pat) || path.startsWith(pat + "/")) {
                kept = keep;
            }
        }
        return kept;
    }

    /**
     * The container's command, run here: the same JVM flags (JAVA_OPTS), the same arguments (CMD), the config file
     * the image ships, and the HEALTHCHECK's request. Only the port is a free one and the jar is the class path.
     */
    @Test
    void the_images_command_starts_a_gateway_that_passes_the_images_healthcheck() throws Exception {
        List<Instruction> df = dockerfile();
        List<String> cmd = cmd();
        int imagePort = cmdPort(cmd);
        assertThat(only(df, "EXPOSE").args().split("\\s+")).contains(Integer.toString(imagePort));

        Matcher health = Pattern.compile("CMD wget -q -O /dev/null http://127\\.0\\.0\\.1:(\\d+)(/\\S+) \\|\\| exit 1$")
                .matcher(only(df, "HEALTHCHECK").args());
        assertThat(health.find()).as("HEALTHCHECK: " + only(df, "HEALTHCHECK").args()).isTrue();
        assertThat(Integer.parseInt(health.group(1))).isEqualTo(imagePort);

        Matcher javaOpts = Pattern.compile("^JAVA_OPTS=\"([^\"]*)\"").matcher(only(df, "ENV").args());
        assertThat(javaOpts.find()).isTrue();

        int port = FreePorts.one();
        Map<String, String> fromRepo = copiedFromRepo(df, finalStage(df));
        List<String> args = new ArrayList<>();
        for (String a : cmd) {
            args.add(fromRepo.containsKey(a) ? ROOT.resolve(fromRepo.get(a)).toString() : a);
        }
        args.set(args.indexOf("--port") + 1, Integer.toString(port));
        assertThat(args).as("the config the image ships is used").contains(ROOT.resolve("conf/config.json").toString());

        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.addAll(Arrays.asList(javaOpts.group(1).trim().split("\\s+")));
        java.addAll(List.of("-Duser.home=" + tmp, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        java.addAll(args);
        Process p = new ProcessBuilder(java).redirectErrorStream(true).redirectOutput(tmp.resolve("gateway.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI uri = URI.create("http://127.0.0.1:" + port + health.group(2));
            HttpResponse<String> r = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (r == null) {
                assertThat(p.isAlive()).as("gateway exited: " + Files.readString(tmp.resolve("gateway.log"))).isTrue();
                assertThat(System.nanoTime()).as("not healthy in time").isLessThan(deadline);
                try {
                    r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertThat(r.statusCode()).isEqualTo(200);
            HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"in a box\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(chat.statusCode()).isEqualTo(200);
            assertThat(chat.body()).contains("Echo: in a box");
        } finally {
            p.destroy(); // what docker stop sends
            assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("the gateway ends on SIGTERM").isTrue();
        }
    }

    // ---- compose.yaml and nginx.conf ---------------------------------------------------------------------------

    private static JsonNode compose() throws IOException {
        return new YAMLMapper().readTree(DOCKER.resolve("compose.yaml").toFile());
    }

    /** The services built from docker/Dockerfile. */
    private static List<String> gateways(JsonNode compose) {
        return names(compose.path("services")).stream()
                .filter(s -> compose.path("services").path(s).path("build").path("dockerfile").asText().equals("docker/Dockerfile"))
                .toList();
    }

    private static List<String> names(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void compose_runs_two_clustered_gateways_of_this_image_with_the_images_command_plus_cluster() throws Exception {
        JsonNode compose = compose();
        List<String> gateways = gateways(compose);
        assertThat(gateways).hasSize(2);
        List<String> expected = new ArrayList<>(cmd());
        expected.add("--cluster");
        String configInImage = expected.get(expected.indexOf("--config") + 1);

        List<GatewayConfig> configs = new ArrayList<>();
        for (String name : gateways) {
            JsonNode s = compose.path("services").path(name);
            assertThat(DOCKER.resolve(s.path("build").path("context").asText()).normalize()).isEqualTo(ROOT);
            assertThat(strings(s.path("command"))).as(name + " command").isEqualTo(expected);

            String mount = strings(s.path("volumes")).stream().filter(v -> v.split(":")[1].equals(configInImage))
                    .findFirst().orElseThrow(() -> new AssertionError(name + " mounts no config at " + configInImage));
            GatewayConfig cfg = ConfigLoader.load(DOCKER.resolve(mount.split(":")[0]).normalize(), Map.of());
            configs.add(cfg);
            assertThat(cfg.cluster().host()).as(name + " announces itself by its service name").isEqualTo(name);

            Matcher grace = Pattern.compile("^(\\d+)s$").matcher(s.path("stop_grace_period").asText());
            assertThat(grace.find()).as(name + " stop_grace_period in seconds").isTrue();
            assertThat(Long.parseLong(grace.group(1)) * 1000).as(name + " lets the drain finish before SIGKILL")
                    .isGreaterThan(cfg.server().drainTimeoutMs());
        }
        Set<String> members = gateways.stream().map(g -> g + ":" + configs.get(0).cluster().port()).collect(Collectors.toSet());
        for (GatewayConfig cfg : configs) {
            assertThat(cfg.cluster().name()).isEqualTo(configs.get(0).cluster().name());
            assertThat(cfg.cluster().port()).isEqualTo(configs.get(0).cluster().port());
            assertThat(Set.copyOf(cfg.cluster().members())).isEqualTo(members);
        }
    }

    @Test
    void compose_publishes_one_port_on_an_nginx_that_waits_for_both_gateways() throws Exception {
        JsonNode compose = compose();
        List<String> gateways = gateways(compose);
        List<String> others = names(compose.path("services")).stream().filter(s -> !gateways.contains(s)).toList();
        assertThat(others).hasSize(1);
        JsonNode lb = compose.path("services").path(others.get(0));
        assertThat(lb.path("image").asText()).startsWith("nginx:");
        assertThat(strings(lb.path("volumes"))).contains("./nginx.conf:/etc/nginx/nginx.conf:ro");
        for (String g : gateways) {
            assertThat(lb.path("depends_on").path(g).path("condition").asText()).isEqualTo("service_healthy");
            assertThat(compose.path("services").path(g).path("ports").isMissingNode()).as(g + " is reached only through the LB").isTrue();
        }
        List<String> ports = strings(lb.path("ports"));
        assertThat(ports).hasSize(1);
        String[] mapping = ports.get(0).split(":");
        assertThat(Integer.parseInt(mapping[mapping.length - 1])).isEqualTo(nginxListenPort());
    }

    private static String nginxConf() throws IOException {
        return Files.readString(DOCKER.resolve("nginx.conf")).replaceAll("(?m)#.*$", "");
    }

    private static int nginxListenPort() throws IOException {
        Matcher m = Pattern.compile("\\blisten\\s+(\\d+)\\s*;").matcher(nginxConf());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Test
    void nginx_balances_over_exactly_the_two_gateway_services_and_streams_unbuffered() throws Exception {
        String conf = nginxConf();
        Matcher upstream = Pattern.compile("upstream\\s+(\\w+)\\s*\\{([^}]*)}").matcher(conf);
        assertThat(upstream.find()).isTrue();
        Set<String> servers = new TreeSet<>();
        Matcher server = Pattern.compile("\\bserver\\s+([^\\s;]+)").matcher(upstream.group(2));
        while (server.find()) {
            servers.add(server.group(1));
        }
        int port = cmdPort(cmd());
        assertThat(servers).isEqualTo(gateways(compose()).stream().map(g -> g + ":" + port).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(conf).contains("proxy_pass http://" + upstream.group(1) + ";").contains("proxy_buffering off;");

        Matcher body = Pattern.compile("client_max_body_size\\s+(\\d+)m;").matcher(conf);
        assertThat(body.find()).as("client_max_body_size (nginx's default 1m would refuse image requests)").isTrue();
        assertThat(Long.parseLong(body.group(1)) * 1024 * 1024).isGreaterThanOrEqualTo(ServerConfig.DEFAULT_MAX_BODY_BYTES);
    }

    /** With the service names pointed at loopback, the nginx on this machine (when there is one) accepts the file. */
    @Test
    void nginx_accepts_the_load_balancer_config() throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        assumeTrue(Files.isExecutable(nginx), "no nginx on this machine");
        String conf = Files.readString(DOCKER.resolve("nginx.conf"))
                .replaceAll("gateway-\\d+:", "127.0.0.1:")
                .replaceAll("listen\\s+\\d+;", "listen 127.0.0.1:" + FreePorts.one() + ";")
                .replaceFirst("http \\{", "http {\n" + List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi").stream()
                        .map(t -> "    " + t + "_temp_path " + tmp.resolve(t) + ";").collect(Collectors.joining("\n")));
        Path file = Files.writeString(tmp.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(nginx.toString(), "-t", "-p", tmp.toString(), "-c", file.toString(),
                "-g", "pid " + tmp.resolve("nginx.pid") + "; error_log stderr;").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
