import * as assert from "assert";
import { ValidatedArgs, validate } from "../../../components/speed/validate";

/** The SpeedLayer defaults: valid. */
const DEFAULTS: ValidatedArgs = {
  availabilityZoneCount: 1,
  instanceCount: 1,
  dedicatedMasterCount: 0,
  indexRetentionDays: 14,
  logRetentionDays: 14,
  alarmThreshold: 50,
  alarmPeriodSeconds: 60,
  forwarderMemoryMb: 256,
  forwarderMaxRetryAttempts: 2,
  volumeSizeGiB: 10,
  createServiceLinkedRole: "auto",
  dlqDepthThreshold: 1,
  freeStorageSharePercent: 25,
  jvmMemoryPressurePercent: 95,
};

describe("SpeedLayer validate", () => {
  const good: Partial<ValidatedArgs>[] = [
    {},
    { availabilityZoneCount: 3, instanceCount: 6, dedicatedMasterCount: 5 },
    { alarmPeriodSeconds: 10 },
    { alarmPeriodSeconds: 30 },
    { alarmPeriodSeconds: 300 },
    { forwarderMemoryMb: 128, forwarderMaxRetryAttempts: 0 },
    { forwarderMemoryMb: 10_240 },
    { logRetentionDays: 3653, indexRetentionDays: 1, alarmThreshold: 1 },
    { createServiceLinkedRole: "always" },
    { createServiceLinkedRole: "never" },
    {
      dlqDepthThreshold: 10,
      freeStorageSharePercent: 10,
      jvmMemoryPressurePercent: 100,
    },
  ];
  for (const patch of good) {
    it(`accepts ${JSON.stringify(patch)}`, () => {
      assert.doesNotThrow(() => validate("speed", { ...DEFAULTS, ...patch }));
    });
  }

  const bad: [Partial<ValidatedArgs>, string][] = [
    [{ availabilityZoneCount: 0 }, "availabilityZoneCount is 0; use 1, 2 or 3."],
    [{ instanceCount: 0 }, "instanceCount is 0; use a positive multiple of availabilityZoneCount (1)."],
    [
      { availabilityZoneCount: 3, instanceCount: 4 },
      "instanceCount is 4; use a positive multiple of availabilityZoneCount (3).",
    ],
    [{ instanceCount: 1.5 }, "instanceCount is 1.5; use a positive multiple of availabilityZoneCount (1)."],
    [{ dedicatedMasterCount: 1 }, "dedicatedMasterCount is 1; use 0, 3 or 5."],
    [{ indexRetentionDays: 0 }, "indexRetentionDays is 0; use a whole number of days, at least 1."],
    [{ indexRetentionDays: 2.5 }, "indexRetentionDays is 2.5; use a whole number of days, at least 1."],
    [{ alarmThreshold: 0 }, "alarmThreshold is 0; use a whole number of at least 1."],
    [{ alarmPeriodSeconds: 90 }, "alarmPeriodSeconds is 90; use 10, 30 or a multiple of 60."],
    [{ alarmPeriodSeconds: 0 }, "alarmPeriodSeconds is 0; use 10, 30 or a multiple of 60."],
    [{ forwarderMemoryMb: 127 }, "forwarderMemoryMb is 127; use 128 to 10240."],
    [{ forwarderMemoryMb: 10_241 }, "forwarderMemoryMb is 10241; use 128 to 10240."],
    [{ forwarderMaxRetryAttempts: -1 }, "forwarderMaxRetryAttempts is -1; use 0, 1 or 2."],
    [{ volumeSizeGiB: 9 }, "volumeSizeGiB is 9; gp3 volumes need at least 10."],
    [
      { createServiceLinkedRole: true as never },
      'createServiceLinkedRole is true; use "auto", "always" or "never".',
    ],
    [{ dlqDepthThreshold: 0 }, "dlqDepthThreshold is 0; use a whole number of messages, at least 1."],
    [
      { freeStorageSharePercent: 100 },
      "freeStorageSharePercent is 100; use a percentage between 0 and 100 (AWS recommends 25).",
    ],
    [
      { jvmMemoryPressurePercent: 0 },
      "jvmMemoryPressurePercent is 0; use a percentage from 1 to 100 (AWS recommends 95).",
    ],
  ];
  for (const [patch, message] of bad) {
    it(`rejects ${JSON.stringify(patch)} with one sentence naming the layer`, () => {
      assert.throws(() => validate("speed", { ...DEFAULTS, ...patch }), {
        message: `SpeedLayer speed: ${message}`,
      });
    });
  }
});
