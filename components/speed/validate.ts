/** Validation of the SpeedLayer's numeric args, after the defaults are applied. */
import { LOG_RETENTION_DAYS, isLogRetention } from "../shared/retention";
import { SERVICE_LINKED_ROLE_MODES } from "./domain";

/** The args {@link validate} checks, with their defaults filled in. */
export interface ValidatedArgs {
  readonly availabilityZoneCount: number;
  readonly instanceCount: number;
  readonly dedicatedMasterCount: number;
  readonly indexRetentionDays: number;
  readonly logRetentionDays: number;
  readonly alarmThreshold: number;
  readonly alarmPeriodSeconds: number;
  readonly forwarderMemoryMb: number;
  readonly forwarderMaxRetryAttempts: number;
  readonly volumeSizeGiB: number;
  /** Checked here too: a JavaScript caller (or a boolean left from the old arg) gets one clear sentence. */
  readonly createServiceLinkedRole: string;
  readonly dlqDepthThreshold: number;
  readonly freeStorageSharePercent: number;
  readonly jvmMemoryPressurePercent: number;
}

/** Throws for args the services would reject, naming the arg, its value and the fix. */
export function validate(name: string, a: ValidatedArgs): void {
  const fail = (msg: string) => {
    throw new Error(`SpeedLayer ${name}: ${msg}`);
  };
  if (![1, 2, 3].includes(a.availabilityZoneCount))
    fail(`availabilityZoneCount is ${a.availabilityZoneCount}; use 1, 2 or 3.`);
  if (
    !Number.isInteger(a.instanceCount) ||
    a.instanceCount < 1 ||
    a.instanceCount % a.availabilityZoneCount !== 0
  ) {
    fail(
      `instanceCount is ${a.instanceCount}; use a positive multiple of availabilityZoneCount (${a.availabilityZoneCount}).`,
    );
  }
  if (![0, 3, 5].includes(a.dedicatedMasterCount))
    fail(`dedicatedMasterCount is ${a.dedicatedMasterCount}; use 0, 3 or 5.`);
  if (!Number.isInteger(a.indexRetentionDays) || a.indexRetentionDays < 1)
    fail(`indexRetentionDays is ${a.indexRetentionDays}; use a whole number of days, at least 1.`);
  if (!isLogRetention(a.logRetentionDays)) {
    fail(`logRetentionDays is ${a.logRetentionDays}; use one of ${LOG_RETENTION_DAYS.join(", ")}.`);
  }
  if (!Number.isInteger(a.alarmThreshold) || a.alarmThreshold < 1)
    fail(`alarmThreshold is ${a.alarmThreshold}; use a whole number of at least 1.`);
  if (!(
    a.alarmPeriodSeconds === 10 ||
    a.alarmPeriodSeconds === 30 ||
    (a.alarmPeriodSeconds >= 60 && a.alarmPeriodSeconds % 60 === 0)
  )) {
    fail(`alarmPeriodSeconds is ${a.alarmPeriodSeconds}; use 10, 30 or a multiple of 60.`);
  }
  if (!Number.isInteger(a.forwarderMemoryMb) || a.forwarderMemoryMb < 128 || a.forwarderMemoryMb > 10_240) {
    fail(`forwarderMemoryMb is ${a.forwarderMemoryMb}; use 128 to 10240.`);
  }
  if (![0, 1, 2].includes(a.forwarderMaxRetryAttempts))
    fail(`forwarderMaxRetryAttempts is ${a.forwarderMaxRetryAttempts}; use 0, 1 or 2.`);
  if (!Number.isInteger(a.volumeSizeGiB) || a.volumeSizeGiB < 10)
    fail(`volumeSizeGiB is ${a.volumeSizeGiB}; gp3 volumes need at least 10.`);
  if (!(SERVICE_LINKED_ROLE_MODES as readonly string[]).includes(a.createServiceLinkedRole)) {
    fail(
      `createServiceLinkedRole is ${JSON.stringify(a.createServiceLinkedRole)}; use "auto", "always" or "never".`,
    );
  }
  if (!Number.isInteger(a.dlqDepthThreshold) || a.dlqDepthThreshold < 1)
    fail(`dlqDepthThreshold is ${a.dlqDepthThreshold}; use a whole number of messages, at least 1.`);
  if (!(a.freeStorageSharePercent > 0 && a.freeStorageSharePercent < 100))
    fail(
      `freeStorageSharePercent is ${a.freeStorageSharePercent}; use a percentage between 0 and 100 (AWS recommends 25).`,
    );
  if (!(a.jvmMemoryPressurePercent > 0 && a.jvmMemoryPressurePercent <= 100))
    fail(
      `jvmMemoryPressurePercent is ${a.jvmMemoryPressurePercent}; use a percentage from 1 to 100 (AWS recommends 95).`,
    );
}
