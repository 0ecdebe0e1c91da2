package dev.chplane.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chplane.domain.BackupConfiguration;
import dev.chplane.domain.IpAccessEntry;
import dev.chplane.domain.Scaling;
import dev.chplane.domain.ServiceSpec;
import dev.chplane.domain.Tag;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceRequestsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MysqlSupport OLD = new MysqlSupport(false, "18.16.1");
  private static final MysqlSupport NEW = new MysqlSupport(true, "24.8.4.13");

  private static ObjectNode base() {
    return MAPPER
        .createObjectNode()
        .put("name", "svc")
        .put("provider", "aws")
        .put("region", "us-east-1");
  }

  private static ObjectNode parse(String json) throws Exception {
    return (ObjectNode) MAPPER.readTree(json);
  }

  private static JsonNode array(String json) throws Exception {
    return MAPPER.readTree(json);
  }

  private static ServiceSpec create(ObjectNode node, MysqlSupport mysql) {
    return ServiceRequests.create(new JsonBody(node, ""), new ScalingRequests(), mysql);
  }

  private static ServiceSpec existing(List<IpAccessEntry> ips, List<Tag> tags) {
    return new ServiceSpec(
        "svc",
        "aws",
        "us-east-1",
        null,
        ips,
        Scaling.defaults(),
        null,
        false,
        null,
        false,
        tags,
        null,
        BackupConfiguration.defaults());
  }

  @Test
  void createReadsTheRequiredFields() {
    ServiceSpec spec = create(base(), NEW);
    assertThat(spec.name()).isEqualTo("svc");
    assertThat(spec.provider()).isEqualTo("aws");
    assertThat(spec.region()).isEqualTo("us-east-1");
    assertThat(spec.ipAccessList()).isEmpty();
    assertThat(spec.mysqlEnabled()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"name", "provider", "region"})
  void createRequiresField(String field) {
    ObjectNode node = base();
    node.remove(field);
    assertThatThrownBy(() -> create(node, NEW))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
        .hasMessage(field + ": is required");
  }

  @Test
  void createRefusesRegionOfAnotherProvider() {
    assertThatThrownBy(() -> create(base().put("region", "us-east1"), NEW))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("region: ")
        .hasMessageContaining("'us-east1'")
        .hasMessageContaining("'aws'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"byocId", "encryptionKey", "dataWarehouseId", "backupId"})
  void createRefusesCloudOnlyField(String field) {
    assertThatThrownBy(() -> create(base().put(field, "x"), NEW))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith(field + ": ");
  }

  @Test
  void createReadsDataWarehouseIdAsAUuid() {
    ServiceSpec spec =
        create(base().put("dataWarehouseId", "6A3F764D-4398-4636-AC9D-214E8259A617"), NEW);
    assertThat(spec.dataWarehouseId()).isEqualTo("6a3f764d-4398-4636-ac9d-214e8259a617");
    assertThat(spec.readonly()).isFalse();
    assertThat(create(base(), NEW).dataWarehouseId()).isNull();
  }

  @Test
  void createRefusesADataWarehouseIdThatIsNoUuid() {
    assertThatThrownBy(() -> create(base().put("dataWarehouseId", "dwh-0001"), NEW))
        .isInstanceOf(ApiException.class)
        .hasMessage("dataWarehouseId: must be a UUID, got 'dwh-0001'");
  }

  @Test
  void createAcceptsIsReadonlyWithDataWarehouseId() {
    ServiceSpec spec =
        create(
            base()
                .put("dataWarehouseId", "6a3f764d-4398-4636-ac9d-214e8259a617")
                .put("isReadonly", true),
            NEW);
    assertThat(spec.readonly()).isTrue();
  }

  @Test
  void createRefusesIsReadonlyWithoutDataWarehouseId() {
    assertThatThrownBy(() -> create(base().put("isReadonly", true), NEW))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith("isReadonly: ")
        .hasMessageContaining("dataWarehouseId");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hasTransparentDataEncryption", "isReadonly"})
  void createRefusesFlagSetToTrue(String field) {
    assertThatThrownBy(() -> create(base().put(field, true), NEW))
        .isInstanceOf(ApiException.class)
        .hasMessageStartingWith(field + ": ");
  }

  @Test
  void createAcceptsThoseFlagsWhenFalse() {
    ServiceSpec spec =
        create(base().put("hasTransparentDataEncryption", false).put("isReadonly", false), NEW);
    assertThat(spec.readonly()).isFalse();
  }

  @Test
  void createKeepsIpAccessListAsSentInOrder() throws Exception {
    ObjectNode node = base();
    node.set(
        "ipAccessList",
        array(
            "[{\"source\":\"10.0.0.0/8\",\"description\":\"office\"},"
                + "{\"source\":\"0.0.0.0\"},{\"source\":\"2001:db8::/32\",\"description\":\"v6\"}]"));
    assertThat(create(node, NEW).ipAccessList())
        .containsExactly(
            new IpAccessEntry("10.0.0.0/8", "office"),
            new IpAccessEntry("0.0.0.0", null),
            new IpAccessEntry("2001:db8::/32", "v6"));
  }

  @Test
  void createNamesTheBadIpEntryByIndex() throws Exception {
    ObjectNode node = base();
    node.set("ipAccessList", array("[{\"source\":\"1.2.3.4\"},{\"source\":\"example.com\"}]"));
    assertThatThrownBy(() -> create(node, NEW)).hasMessageStartingWith("ipAccessList[1].source: ");
  }

  @Test
  void createRefusesMysqlEndpointOnOldServer() throws Exception {
    ObjectNode node = base();
    node.set("endpoints", array("[{\"protocol\":\"mysql\",\"enabled\":true}]"));
    assertThatThrownBy(() -> create(node, OLD))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("20.5")
        .hasMessageContaining("18.16.1");
  }

  @Test
  void createAcceptsDisabledMysqlEndpointOnOldServer() throws Exception {
    ObjectNode node = base();
    node.set("endpoints", array("[{\"protocol\":\"mysql\",\"enabled\":false}]"));
    assertThat(create(node, OLD).mysqlEnabled()).isFalse();
  }

  @Test
  void createEnablesMysqlOnNewServer() throws Exception {
    ObjectNode node = base();
    node.set("endpoints", array("[{\"protocol\":\"mysql\",\"enabled\":true}]"));
    assertThat(create(node, NEW).mysqlEnabled()).isTrue();
  }

  @Test
  void patchRemovingAllThenAddingDesiredGivesExactlyDesiredInOrder() throws Exception {
    ServiceSpec current =
        existing(
            List.of(
                new IpAccessEntry("1.1.1.1", "a"),
                new IpAccessEntry("2.2.2.2", "b"),
                new IpAccessEntry("3.3.3.3", "c")),
            List.of());
    ObjectNode node =
        parse(
            "{\"ipAccessList\":{"
                + "\"remove\":[{\"source\":\"1.1.1.1\"},{\"source\":\"2.2.2.2\"},{\"source\":\"3.3.3.3\"}],"
                + "\"add\":[{\"source\":\"3.3.3.3\",\"description\":\"c\"},{\"source\":\"0.0.0.0\",\"description\":\"all\"},"
                + "{\"source\":\"1.1.1.1\",\"description\":\"a2\"}]}}");
    ServiceSpec out = ServiceRequests.patch(new JsonBody(node, ""), NEW).apply(current);
    assertThat(out.ipAccessList())
        .containsExactly(
            new IpAccessEntry("3.3.3.3", "c"),
            new IpAccessEntry("0.0.0.0", "all"),
            new IpAccessEntry("1.1.1.1", "a2"));
  }

  @Test
  void patchAddOfExistingSourceReplacesItInPlace() throws Exception {
    ServiceSpec current =
        existing(
            List.of(new IpAccessEntry("1.1.1.1", "a"), new IpAccessEntry("2.2.2.2", "b")),
            List.of());
    ObjectNode node =
        parse("{\"ipAccessList\":{\"add\":[{\"source\":\"1.1.1.1\",\"description\":\"new\"}]}}");
    assertThat(ServiceRequests.patch(new JsonBody(node, ""), NEW).apply(current).ipAccessList())
        .containsExactly(new IpAccessEntry("1.1.1.1", "new"), new IpAccessEntry("2.2.2.2", "b"));
  }

  @Test
  void patchAddsAndRemovesTagsByKey() throws Exception {
    ServiceSpec current =
        existing(List.of(), List.of(new Tag("env", "dev"), new Tag("team", "db")));
    ObjectNode node =
        parse(
            "{\"tags\":{\"remove\":[{\"key\":\"team\"}],"
                + "\"add\":[{\"key\":\"env\",\"value\":\"prod\"},{\"key\":\"solo\"}]}}");
    assertThat(ServiceRequests.patch(new JsonBody(node, ""), NEW).apply(current).tags())
        .containsExactly(new Tag("env", "prod"), new Tag("solo", null));
  }

  @Test
  void anEmptyTagValueMakesAKeyOnlyTag() throws Exception {
    ObjectNode node = parse("{\"tags\":{\"add\":[{\"key\":\"solo\",\"value\":\"\"}]}}");
    assertThat(
            ServiceRequests.patch(new JsonBody(node, ""), NEW)
                .apply(existing(List.of(), List.of()))
                .tags())
        .containsExactly(new Tag("solo", null));
  }

  @Test
  void patchChangesNameAndLeavesTheRestAlone() throws Exception {
    ServiceSpec current =
        existing(List.of(new IpAccessEntry("1.1.1.1", "a")), List.of(new Tag("k", "v")));
    ServiceSpec out =
        ServiceRequests.patch(new JsonBody(parse("{\"name\":\"renamed\"}"), ""), NEW)
            .apply(current);
    assertThat(out).isEqualTo(current.withName("renamed"));
  }

  @Test
  void patchRefusesMysqlOnOldServerBeforeApplying() throws Exception {
    ObjectNode node = parse("{\"endpoints\":[{\"protocol\":\"mysql\",\"enabled\":true}]}");
    assertThatThrownBy(() -> ServiceRequests.patch(new JsonBody(node, ""), OLD))
        .hasMessageContaining("18.16.1");
  }
}
