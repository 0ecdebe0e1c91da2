package dev.chplane.provision.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chplane.provision.QueryLimits;
import dev.chplane.provision.QueryUser;
import dev.chplane.provision.ServerVersion;
import dev.chplane.provision.ServiceDeployment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ClickHouseConfigTest {
  private static final long MEMORY = 8L << 30;
  private static final ClickHouseConfig.QueryUsers QUERY_USERS =
      new ClickHouseConfig.QueryUsers(
          "e1".repeat(32), "e2".repeat(32), new QueryLimits(30, 1L << 30, 1_000_000));

  @TempDir Path dir;

  private static final ReplicaPorts PORTS = new ReplicaPorts(18443, 19440, 19000, 19009);
  private static final ClickHouseConfig.Replication REPLICATION =
      new ClickHouseConfig.Replication(
          "svc-0",
          List.of(19000, 19100),
          "cluster-secret",
          "interserver-secret",
          List.of(new ZooKeeperNode("127.0.0.1", 12181)),
          "/chplane/svc");

  private final ServiceDeployment deployment =
      new ServiceDeployment(
          UUID.randomUUID(),
          1,
          "ab".repeat(32),
          null,
          List.of("::ffff:10.0.0.0/104", "192.168.1.7"),
          MEMORY);

  private ClickHouseConfig config(String version) {
    return new ClickHouseConfig(
        dir,
        "0.0.0.0",
        dir.resolve("server.pem"),
        dir.resolve("server.key"),
        ServerVersion.parse(version));
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<String> texts(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
  }

  private static Element child(Document doc, String tag) {
    return (Element) doc.getElementsByTagName(tag).item(0);
  }

  @Test
  void bothFilesParseWithYandexRoot() throws Exception {
    ClickHouseConfig c = config("24.8.4.13");
    assertThat(parse(c.configXml(deployment, PORTS, REPLICATION)).getDocumentElement().getTagName())
        .isEqualTo("yandex");
    assertThat(
            parse(c.usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS))
                .getDocumentElement()
                .getTagName())
        .isEqualTo("yandex");
  }

  @Test
  void oldServerCapsMemoryInUserProfile() throws Exception {
    ClickHouseConfig c = config("18.16.1");
    Document users = parse(c.usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Document server = parse(c.configXml(deployment, PORTS, REPLICATION));
    // the users' profile, chplane's own and the two Query API profiles all carry the cap
    assertThat(texts(users.getDocumentElement(), "max_memory_usage_for_all_queries"))
        .containsExactly(
            String.valueOf(MEMORY),
            String.valueOf(MEMORY),
            String.valueOf(MEMORY),
            String.valueOf(MEMORY));
    assertThat(server.getElementsByTagName("max_server_memory_usage").getLength()).isZero();
    // the default profile (which distributed DDL runs under), chplane's and the Query API admin's
    assertThat(texts(users.getDocumentElement(), "allow_experimental_low_cardinality_type"))
        .containsExactly("1", "1", "1");
  }

  @Test
  void currentServerCapsMemoryServerWide() throws Exception {
    ClickHouseConfig c = config("24.8.4.13");
    Document users = parse(c.usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Document server = parse(c.configXml(deployment, PORTS, REPLICATION));
    assertThat(users.getElementsByTagName("max_memory_usage_for_all_queries").getLength()).isZero();
    assertThat(texts(server.getDocumentElement(), "max_server_memory_usage"))
        .containsExactly(String.valueOf(MEMORY));
  }

  @Test
  void defaultUserListsNetworksInOrder() throws Exception {
    Document users =
        parse(
            config("24.8.4.13")
                .usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Element defaultUser = (Element) child(users, "users").getElementsByTagName("default").item(0);
    assertThat(texts(defaultUser, "ip")).containsExactly("::ffff:10.0.0.0/104", "192.168.1.7");
    assertThat(texts(defaultUser, "password_sha256_hex")).containsExactly("ab".repeat(32));
  }

  @Test
  void emptyNetworkListAdmitsNobody() throws Exception {
    ServiceDeployment closed =
        new ServiceDeployment(
            deployment.serviceId(),
            deployment.replicas(),
            deployment.passwordSha256Hex(),
            null,
            List.of(),
            MEMORY);
    String xml =
        config("24.8.4.13").usersXml(closed, "cd".repeat(32), "cc".repeat(32), QUERY_USERS);
    assertThat(xml).contains("<networks></networks>");
    Element defaultUser =
        (Element) child(parse(xml), "users").getElementsByTagName("default").item(0);
    assertThat(defaultUser.getElementsByTagName("ip").getLength()).isZero();
  }

  @Test
  void internalUserIsLimitedToLoopback() throws Exception {
    Document users =
        parse(
            config("18.16.1").usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Element internal = child(users, ClickHouseConfig.INTERNAL_USER);
    assertThat(internal).isNotNull();
    assertThat(texts(internal, "ip")).containsExactly("127.0.0.1", "::1");
    assertThat(texts(internal, "password_sha256_hex")).containsExactly("cd".repeat(32));
  }

  @Test
  void serverOpensTlsPortsAndPlainOnesOnlyForItsCluster() throws Exception {
    Document server = parse(config("24.8.4.13").configXml(deployment, PORTS, REPLICATION));
    Element root = server.getDocumentElement();
    assertThat(texts(root, "https_port")).containsExactly("18443");
    assertThat(texts(root, "tcp_port_secure")).containsExactly("19440");
    assertThat(texts(root, "tcp_port")).containsExactly("19000");
    assertThat(texts(root, "interserver_http_port")).containsExactly("19009");
    assertThat(texts(root, "interserver_http_host")).containsExactly("127.0.0.1");
    assertThat(root.getElementsByTagName("http_port").getLength()).isZero();
    assertThat(root.getElementsByTagName("mysql_port").getLength()).isZero();
  }

  @Test
  void certificatePathsAreAbsolute() throws Exception {
    Element root =
        parse(config("24.8.4.13").configXml(deployment, PORTS, REPLICATION)).getDocumentElement();
    assertThat(texts(root, "certificateFile"))
        .containsExactly(dir.resolve("server.pem").toAbsolutePath().toString());
    assertThat(texts(root, "privateKeyFile"))
        .containsExactly(dir.resolve("server.key").toAbsolutePath().toString());
  }

  private static Element user(Document users, String name) {
    return (Element) child(users, "users").getElementsByTagName(name).item(0);
  }

  private static Element profile(Document users, String name) {
    return (Element) child(users, "profiles").getElementsByTagName(name).item(0);
  }

  @Test
  void queryUsersAreLoopbackOnlyAndTheReadOnlyOneIsLimited() throws Exception {
    Document users =
        parse(
            config("18.16.1").usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Element readOnly = user(users, QueryUser.READ_ONLY.userName());
    Element admin = user(users, QueryUser.ADMIN.userName());
    assertThat(texts(readOnly, "ip")).containsExactly("127.0.0.1", "::1");
    assertThat(texts(admin, "ip")).containsExactly("127.0.0.1", "::1");
    assertThat(texts(readOnly, "password_sha256_hex")).containsExactly("e1".repeat(32));
    assertThat(texts(admin, "password_sha256_hex")).containsExactly("e2".repeat(32));
    assertThat(texts(readOnly, "profile")).containsExactly(QueryUser.READ_ONLY.userName());
    assertThat(texts(admin, "profile")).containsExactly(QueryUser.ADMIN.userName());
    Element limited = profile(users, QueryUser.READ_ONLY.userName());
    assertThat(texts(limited, "readonly")).containsExactly("1");
    assertThat(texts(limited, "max_execution_time")).containsExactly("30");
    assertThat(texts(limited, "max_memory_usage")).containsExactly(String.valueOf(1L << 30));
    assertThat(texts(limited, "max_rows_to_read")).containsExactly("1000000");
    Element writer = profile(users, QueryUser.ADMIN.userName());
    assertThat(writer.getElementsByTagName("readonly").getLength()).isZero();
    assertThat(users.getElementsByTagName("grants").getLength()).as("18.16 has no grants").isZero();
    assertThat(
            texts(
                parse(config("18.16.1").configXml(deployment, PORTS, REPLICATION))
                    .getDocumentElement(),
                "umask"))
        .as("the server's files are owner-only")
        .containsExactly("077");
    assertThat(
            parse(config("18.16.1").configXml(deployment, PORTS, REPLICATION))
                .getElementsByTagName("access_control_improvements")
                .getLength())
        .isZero();
  }

  @Test
  void serversWithGrantsHideSystemProcessesFromQueryUsers() throws Exception {
    ClickHouseConfig c = config("24.8.4.13");
    Document users = parse(c.usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    for (QueryUser q : QueryUser.values()) {
      assertThat(texts(user(users, q.userName()), "query"))
          .as(q.userName())
          .contains("REVOKE SELECT ON system.processes")
          .noneMatch(g -> g.contains("KILL") || g.contains("ALL"));
    }
    assertThat(texts(user(users, QueryUser.READ_ONLY.userName()), "query").get(0))
        .doesNotContain("INSERT");
    assertThat(user(users, "default").getElementsByTagName("grants").getLength()).isZero();
    assertThat(
            user(users, ClickHouseConfig.INTERNAL_USER).getElementsByTagName("grants").getLength())
        .isZero();
    assertThat(
            texts(
                parse(c.configXml(deployment, PORTS, REPLICATION)).getDocumentElement(),
                "select_from_system_db_requires_grant"))
        .containsExactly("true");
  }

  @Test
  void pathsAndNetworksWithXmlCharactersStayTextAndChangeNoStructure() throws Exception {
    Path odd = dir.resolve("a&b <c> \"d\" ]]> <!--");
    ClickHouseConfig c =
        new ClickHouseConfig(
            odd,
            "0.0.0.0",
            odd.resolve("server.pem"),
            odd.resolve("server.key"),
            ServerVersion.parse("18.16.1"));
    ServiceDeployment d =
        new ServiceDeployment(
            deployment.serviceId(),
            deployment.replicas(),
            "ab".repeat(32),
            null,
            List.of("x</ip></networks><profile>chplane</profile><networks><ip>::/0"),
            MEMORY);

    Element server = parse(c.configXml(d, PORTS, REPLICATION)).getDocumentElement();
    assertThat(texts(server, "path"))
        .containsExactly(odd.toAbsolutePath() + "/data/", ClickHouseConfig.DDL_PATH);
    assertThat(texts(server, "certificateFile"))
        .containsExactly(odd.resolve("server.pem").toAbsolutePath().toString());
    Document users = parse(c.usersXml(d, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Element defaultUser = (Element) child(users, "users").getElementsByTagName("default").item(0);
    assertThat(texts(defaultUser, "ip"))
        .containsExactly("x</ip></networks><profile>chplane</profile><networks><ip>::/0");
    assertThat(texts(defaultUser, "profile")).containsExactly("default");
  }

  @Test
  void everyServerIsAReplicaOfItsServiceCluster() throws Exception {
    Element root =
        parse(config("18.16.1").configXml(deployment, PORTS, REPLICATION)).getDocumentElement();
    Element macros = (Element) root.getElementsByTagName("macros").item(0);
    assertThat(texts(macros, "shard")).containsExactly("1");
    assertThat(texts(macros, "replica")).containsExactly("svc-0");
    Element cluster =
        (Element)
            ((Element) root.getElementsByTagName("remote_servers").item(0))
                .getElementsByTagName(ClickHouseConfig.CLUSTER)
                .item(0);
    assertThat(texts(cluster, "internal_replication")).containsExactly("true");
    assertThat(texts(cluster, "host")).containsExactly("127.0.0.1", "127.0.0.1");
    assertThat(texts(cluster, "port")).containsExactly("19000", "19100");
    assertThat(texts(cluster, "user"))
        .containsExactly(ClickHouseConfig.CLUSTER_USER, ClickHouseConfig.CLUSTER_USER);
    assertThat(texts(cluster, "password")).containsExactly("cluster-secret", "cluster-secret");
    Element zookeeper = (Element) root.getElementsByTagName("zookeeper").item(0);
    assertThat(texts(zookeeper, "host")).containsExactly("127.0.0.1");
    assertThat(texts(zookeeper, "port")).containsExactly("12181");
    assertThat(texts(zookeeper, "root")).containsExactly("/chplane/svc");
    assertThat(texts(zookeeper, "session_timeout_ms")).containsExactly("10000");
    Element interserver =
        (Element) root.getElementsByTagName("interserver_http_credentials").item(0);
    assertThat(texts(interserver, "user")).containsExactly(ClickHouseConfig.INTERSERVER_USER);
    assertThat(texts(interserver, "password")).containsExactly("interserver-secret");
    Element ddl = (Element) root.getElementsByTagName("distributed_ddl").item(0);
    assertThat(texts(ddl, "path")).containsExactly(ClickHouseConfig.DDL_PATH);
  }

  @Test
  void withoutZooKeeperAServerHasNoZooKeeperNorDistributedDdl() throws Exception {
    ClickHouseConfig.Replication alone =
        new ClickHouseConfig.Replication(
            "svc-0",
            List.of(19000),
            "cluster-secret",
            "interserver-secret",
            List.of(),
            "/chplane/svc");
    Element root =
        parse(config("24.8.4.13").configXml(deployment, PORTS, alone)).getDocumentElement();
    assertThat(root.getElementsByTagName("zookeeper").getLength()).isZero();
    assertThat(root.getElementsByTagName("distributed_ddl").getLength()).isZero();
    assertThat(root.getElementsByTagName("remote_servers").getLength()).isOne();
  }

  @Test
  void theClusterUserIsLoopbackOnlyWithItsHash() throws Exception {
    Document users =
        parse(
            config("18.16.1").usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    Element cluster = user(users, ClickHouseConfig.CLUSTER_USER);
    assertThat(texts(cluster, "password_sha256_hex")).containsExactly("cc".repeat(32));
    assertThat(texts(cluster, "ip")).containsExactly("127.0.0.1", "::1");
    assertThat(texts(cluster, "profile")).containsExactly("default");
  }

  @Test
  void aReadOnlyServicesUsersMayOnlyReadWhileTheDefaultProfileStaysWritable() throws Exception {
    ServiceDeployment d = deployment;
    ServiceDeployment readOnly =
        new ServiceDeployment(
            d.serviceId(),
            1,
            d.passwordSha256Hex(),
            null,
            d.networks(),
            MEMORY,
            UUID.randomUUID(),
            true);
    Document users =
        parse(config("18.16.1").usersXml(readOnly, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    assertThat(texts(user(users, "default"), "profile"))
        .containsExactly(ClickHouseConfig.READ_ONLY_DEFAULT_PROFILE);
    Element reader = profile(users, ClickHouseConfig.READ_ONLY_DEFAULT_PROFILE);
    assertThat(texts(reader, "readonly")).containsExactly("1");
    assertThat(texts(reader, "max_concurrent_queries_for_user"))
        .containsExactly(String.valueOf(ClickHouseConfig.DEFAULT_USER_CONCURRENT_QUERIES));
    assertThat(texts(reader, "max_memory_usage_for_all_queries"))
        .containsExactly(String.valueOf(MEMORY));
    assertThat(texts(profile(users, QueryUser.ADMIN.userName()), "readonly")).containsExactly("1");
    assertThat(profile(users, "default").getElementsByTagName("readonly").getLength())
        .as("the cluster user and background work use it")
        .isZero();
    assertThat(texts(user(users, ClickHouseConfig.CLUSTER_USER), "profile"))
        .containsExactly("default");

    Document writable =
        parse(
            config("18.16.1").usersXml(deployment, "cd".repeat(32), "cc".repeat(32), QUERY_USERS));
    assertThat(texts(user(writable, "default"), "profile")).containsExactly("default");
    assertThat(
            writable.getElementsByTagName(ClickHouseConfig.READ_ONLY_DEFAULT_PROFILE).getLength())
        .isZero();
  }
}
