package dev.chplane.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Set;

/**
 * The layering of docs/architecture.md, checked on the compiled main classes: a rule broken by a
 * change fails the unit tier. Each rule says why it exists; see that document for the packages.
 */
@AnalyzeClasses(packages = "dev.chplane", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  private static final String ROOT = "dev.chplane";

  /**
   * The local provisioner's implementation, by name, wherever it lives (today in provision, then in
   * provision.local).
   */
  private static final Set<String> LOCAL_PROVISIONER =
      Set.of(
          "LocalProcessProvisioner",
          "LocalServiceData",
          "ClickHouseHttp",
          "ClickHouseConfig",
          "XmlElement",
          "PortAllocator",
          "ServerExitWatch",
          "ClickHouseBinary",
          "FileTrees");

  /**
   * The provisioner SPI types that start, stop, reach or copy a server (their nested types
   * included).
   */
  private static final Set<String> PROVISIONER_DRIVERS =
      Set.of("Provisioner", "ServiceConnector", "ServiceAccess", "PartTransfer");

  private static DescribedPredicate<JavaClass> localProvisioner() {
    return resideInAPackage(ROOT + ".provision.local..")
        .or(
            resideInAPackage(ROOT + ".provision")
                .and(
                    DescribedPredicate.describe(
                        "a local provisioner class",
                        c ->
                            LOCAL_PROVISIONER.contains(
                                c.getSimpleName().replaceAll("\\$.*", "")))));
  }

  private static DescribedPredicate<JavaClass> provisionerDrivers() {
    return DescribedPredicate.describe(
        "are the provisioner, its connector, its access or its part transfer",
        c ->
            c.getPackageName().equals(ROOT + ".provision")
                && PROVISIONER_DRIVERS.contains(
                    c.getName()
                        .substring(c.getPackageName().length() + 1)
                        .replaceAll("\\$.*", "")));
  }

  @ArchTest
  static final ArchRule domainDependsOnNothingButTheJdk =
      classes()
          .that()
          .resideInAPackage(ROOT + ".domain..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(ROOT + ".domain..", "java..")
          .because(
              "the domain is values and rules: no Jackson, no store, no HTTP, no other chplane package");

  @ArchTest
  static final ArchRule apiCallsUseCasesNotTheStore =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".api..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".store..")
          .because(
              "the API calls use cases (service, backup, pipes), which own authorization, transactions and"
                  + " activities; not even the MetadataStore interface, so no handler can bypass them");

  @ArchTest
  static final ArchRule apiDoesNotDriveTheProvisioner =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".api..")
          .should()
          .dependOnClassesThat(provisionerDrivers())
          .because(
              "the API reaches servers through use cases (QueryEndpoints, ServiceOperations, BackupService),"
                  + " never by driving the provisioner or its access itself");

  @ArchTest
  static final ArchRule apiDoesNotUseTheLocalProvisioner =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".api..")
          .should()
          .dependOnClassesThat(localProvisioner())
          .because(
              "the API reaches servers through use cases and the provisioner SPI, never a local process or port");

  @ArchTest
  static final ArchRule workersDoNotDependOnTheReconciler =
      noClasses()
          .that()
          .resideInAnyPackage(ROOT + ".pipes..", ROOT + ".backup..", ROOT + ".metrics..")
          .or()
          .haveFullyQualifiedName(ROOT + ".service.QueryEndpoints")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".reconcile..")
          .because(
              "workers reach a server through the provisioner's access, never through the reconciler");

  @ArchTest
  static final ArchRule reconcilerUsesTheExposureSeam =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".reconcile..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".edge..")
          .because(
              "the reconciler exposes services through the exposure SPI; the edge is one implementation of it");

  @ArchTest
  static final ArchRule reconcilerUsesTheProvisionerSeam =
      noClasses()
          .that()
          .resideInAPackage(ROOT + ".reconcile..")
          .should()
          .dependOnClassesThat(localProvisioner())
          .because(
              "the reconciler drives any provisioner through the SPI; ports and processes are the local one's");

  @ArchTest
  static final ArchRule onlyTheWiringKnowsTheLocalProvisioner =
      noClasses()
          .that(not(localProvisioner()))
          .and()
          .resideOutsideOfPackages(ROOT + ".startup..")
          .and(not(resideInAPackage(ROOT)))
          .should()
          .dependOnClassesThat(localProvisioner())
          .because(
              "no code outside the local provisioner builds a URL, knows a port or reads a service's files;"
                  + " only the wiring (dev.chplane) and startup checks choose the local provisioner");

  // passes today; a seam that calls back into its caller (an SPI implemented in the wrong package)
  // breaks it
  @ArchTest
  static final ArchRule noPackageCycles =
      slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule onlyTheApiKnowsHttpErrors =
      noClasses()
          .that()
          .resideOutsideOfPackage(ROOT + ".api..")
          .and(not(resideInAPackage(ROOT)))
          .should()
          .dependOnClassesThat()
          .resideInAPackage(ROOT + ".api..")
          .because(
              "use cases throw domain.DomainException and the API maps it to a status; only the wiring"
                  + " (dev.chplane) knows the API");
}
