package dev.chplane.store;

/**
 * The ports the local provisioner recorded for the server of a service (the {@code
 * internal_https_port} and {@code internal_native_secure_port} columns of its row); 0 and 0 when
 * none were recorded yet. Not part of the domain's {@code Service}: only the provisioner reads
 * them.
 */
public record ServerPorts(int https, int nativeSecure) {
  public static final ServerPorts NONE = new ServerPorts(0, 0);

  public boolean recorded() {
    return https != 0;
  }
}
