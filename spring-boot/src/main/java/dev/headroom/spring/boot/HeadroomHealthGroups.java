package dev.headroom.spring.boot;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;

/**
 * Adds {@link HeadroomReadiness} to the {@code readiness} health group (the probe groups Spring
 * Boot makes, or one you configure) and leaves {@code liveness} alone: a process whose Redis is
 * down is alive, and restarting it would not bring Redis back. A group you configure with {@code
 * management.endpoint.health.group.readiness.include} keeps exactly its members when it names
 * {@code headroomReadiness} or when {@code headroom.actuator.readiness=false}.
 */
final class HeadroomHealthGroups implements HealthEndpointGroupsPostProcessor {

  static final String READINESS = "readiness";

  @Override
  public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
    HealthEndpointGroup readiness = groups.get(READINESS);
    if (readiness == null || readiness.isMember(HeadroomReadiness.CONTRIBUTOR)) {
      return groups;
    }
    return new Groups(groups, new WithHeadroom(readiness));
  }

  private record Groups(HealthEndpointGroups delegate, HealthEndpointGroup readiness)
      implements HealthEndpointGroups, AdditionalPathsMapper {

    @Override
    public HealthEndpointGroup getPrimary() {
      return delegate.getPrimary();
    }

    @Override
    public Set<String> getNames() {
      return delegate.getNames();
    }

    @Override
    public @Nullable HealthEndpointGroup get(String name) {
      return READINESS.equals(name) ? readiness : delegate.get(name);
    }

    @Override
    public @Nullable List<String> getAdditionalPaths(
        EndpointId endpointId, WebServerNamespace webServerNamespace) {
      return delegate instanceof AdditionalPathsMapper mapper
          ? mapper.getAdditionalPaths(endpointId, webServerNamespace)
          : null;
    }
  }

  private record WithHeadroom(HealthEndpointGroup delegate) implements HealthEndpointGroup {

    @Override
    public boolean isMember(String name) {
      return HeadroomReadiness.CONTRIBUTOR.equals(name) || delegate.isMember(name);
    }

    @Override
    public boolean showComponents(SecurityContext securityContext) {
      return delegate.showComponents(securityContext);
    }

    @Override
    public boolean showDetails(SecurityContext securityContext) {
      return delegate.showDetails(securityContext);
    }

    @Override
    public StatusAggregator getStatusAggregator() {
      return delegate.getStatusAggregator();
    }

    @Override
    public HttpCodeStatusMapper getHttpCodeStatusMapper() {
      return delegate.getHttpCodeStatusMapper();
    }

    @Override
    public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
      return delegate.getAdditionalPath();
    }
  }
}
