package dev.chplane.provision;

import java.util.List;
import java.util.UUID;

/** The provisioner contract, held by the fake the reconciler's unit tests use. */
class FakeProvisionerContractTest extends ProvisionerContract {
  private final FakeProvisioner fake = new FakeProvisioner();

  @Override
  protected Provisioner provisioner() {
    return fake;
  }

  @Override
  protected ServiceDeployment deployment(UUID id, String password) {
    return new ServiceDeployment(id, 1, password, password, List.of("127.0.0.1"), 1L << 30);
  }

  @Override
  protected void kill(UUID id) {
    fake.crash(id);
  }
}
