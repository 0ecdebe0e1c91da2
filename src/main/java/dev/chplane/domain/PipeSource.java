package dev.chplane.domain;

/**
 * Where a ClickPipe reads from: one record type per kind of source ({@code source.kafka} today;
 * object storage, Kinesis and PostgreSQL come next). Each kind checks its own values and names the
 * type of its credentials, which are stored apart, encrypted ({@link
 * ClickPipe#encryptedCredentials()}).
 */
public sealed interface PipeSource permits KafkaSource {

  /**
   * The name of the source's object in the official request ({@code kafka}, {@code
   * objectStorage}...).
   */
  String kind();

  /**
   * The source's {@code type} as the official document names it (e.g. {@code kafka}, {@code msk},
   * {@code s3}).
   */
  String type();

  /**
   * The type its credentials have; a pipe of this source opens its sealed credentials as this type.
   */
  Class<? extends SourceCredentials> credentialsType();
}
