package dev.chplane.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which official activity types a change of a service's configuration falls under. Fields without
 * an official type (tags, the MySQL endpoint toggle) produce none.
 */
public final class ServiceChanges {
  private ServiceChanges() {}

  public static List<ActivityType> between(Service before, Service after) {
    ServiceSpec a = before.spec();
    ServiceSpec b = after.spec();
    List<ActivityType> out = new ArrayList<>();
    if (!a.name().equals(b.name())) {
      out.add(ActivityType.SERVICE_UPDATE_NAME);
    }
    if (!a.ipAccessList().equals(b.ipAccessList())) {
      out.add(ActivityType.SERVICE_UPDATE_IP_ACCESS_LIST);
    }
    if (!Objects.equals(a.releaseChannel(), b.releaseChannel())) {
      out.add(ActivityType.SERVICE_UPDATE_RELEASE_CHANNEL);
    }
    if (!Objects.equals(a.enableCoreDumps(), b.enableCoreDumps())) {
      out.add(ActivityType.SERVICE_UPDATE_CORE_DUMP);
    }
    if (!a.backupConfiguration().equals(b.backupConfiguration())) {
      out.add(ActivityType.SERVICE_UPDATE_BACKUP_CONFIGURATION);
    }
    Scaling x = a.scaling();
    Scaling y = b.scaling();
    if (!Objects.equals(x.minReplicaMemoryGb(), y.minReplicaMemoryGb())
        || !Objects.equals(x.maxReplicaMemoryGb(), y.maxReplicaMemoryGb())
        || !Objects.equals(x.minTotalMemoryGb(), y.minTotalMemoryGb())
        || !Objects.equals(x.maxTotalMemoryGb(), y.maxTotalMemoryGb())) {
      out.add(ActivityType.SERVICE_UPDATE_AUTOSCALING_MEMORY);
    }
    if (!Objects.equals(x.idleScaling(), y.idleScaling())
        || !Objects.equals(x.idleTimeoutMinutes(), y.idleTimeoutMinutes())) {
      out.add(ActivityType.SERVICE_UPDATE_AUTOSCALING_IDLING);
    }
    if (!Objects.equals(x.numReplicas(), y.numReplicas())
        || !Objects.equals(x.minReplicas(), y.minReplicas())
        || !Objects.equals(x.maxReplicas(), y.maxReplicas())
        || !Objects.equals(x.autoscalingMode(), y.autoscalingMode())) {
      out.add(ActivityType.SERVICE_UPDATE_AUTOSCALING_REPLICAS);
    }
    if (!before.credentials().equals(after.credentials())) {
      out.add(ActivityType.SERVICE_UPDATE_PASSWORD);
    }
    return out;
  }
}
