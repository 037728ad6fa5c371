package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceHealth;
import dev.verge.cloud.devices.DeviceRecord;
import java.util.List;
import java.util.Optional;

/**
 * Health from the status reports of the canary devices (see {@link DeviceHealth}): requests and
 * errors summed over the devices, p95 the worst device's request-weighted mean; for a shadow the same of the
 * pictures both versions answered, with the agreements summed. Knows no drift.
 */
public final class StatusReportHealth implements HealthSource {

    @Override
    public HealthFigures read(Deployment deployment, List<DeviceRecord> devices) {
        long requests = 0;
        long errors = 0;
        long agreements = 0;
        int reporting = 0;
        Double worstP95 = null;
        String worstDevice = null;
        for (DeviceRecord device : devices) {
            Optional<DeviceHealth> health = device.health(deployment.id(), deployment.shadowing()).filter(h -> h.reports() > 0);
            if (health.isEmpty()) {
                continue;
            }
            reporting++;
            requests += health.get().requests();
            errors += health.get().errors();
            agreements += health.get().agreements();
            Double p95 = health.get().p95Ms();
            if (p95 != null && (worstP95 == null || p95 > worstP95)) {
                worstP95 = p95;
                worstDevice = device.id();
            }
        }
        return reporting == 0 ? HealthFigures.unknown() : new HealthFigures(requests, errors, worstP95, worstDevice, null,
                deployment.shadowing() ? agreements : null);
    }
}
