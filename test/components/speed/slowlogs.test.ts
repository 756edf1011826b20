import * as assert from "assert";
import {
  BootstrapSettings,
  SLOW_LOG_THRESHOLDS,
  indexTemplate,
} from "../../../components/speed/bootstrap/requests";
import { DOMAIN_LOG_TYPES } from "../../../components/speed/policies";

const SETTINGS: BootstrapSettings = {
  writerRole: "datalake_log_writer",
  writerBackendRoles: ["arn:aws:iam::123456789012:role/writer"],
  indexPrefixes: ["testappec2log", "cwl"],
  retentionDays: 14,
  replicas: 0,
  ismPolicyId: "datalake-log-retention",
};

// Which index settings make OpenSearch write each published slow-log type.
const SETTING_OF_TYPE: Record<string, RegExp> = {
  SEARCH_SLOW_LOGS: /^index\.search\.slowlog\.threshold\.(query|fetch)\./,
  INDEX_SLOW_LOGS: /^index\.indexing\.slowlog\.threshold\.index\./,
};

describe("slow logs carry data", () => {
  for (const type of DOMAIN_LOG_TYPES.filter((t) => t.endsWith("_SLOW_LOGS"))) {
    for (const prefix of SETTINGS.indexPrefixes) {
      it(`the ${prefix} template sets thresholds for the published ${type}`, () => {
        const settings = indexTemplate(prefix, SETTINGS).template.settings as Record<string, unknown>;
        const keys = Object.keys(settings).filter((k) => SETTING_OF_TYPE[type].test(k));
        assert.ok(keys.length > 0, `no ${type} threshold in the ${prefix} template`);
        for (const k of keys) assert.match(String(settings[k]), /^\d+(ms|s)$/, k);
      });
    }
  }

  it("keeps WARN above INFO for every phase", () => {
    const ms = (v: string) => (v.endsWith("ms") ? Number(v.slice(0, -2)) : Number(v.slice(0, -1)) * 1000);
    for (const [k, v] of Object.entries(SLOW_LOG_THRESHOLDS)) {
      if (!k.endsWith(".warn")) continue;
      const info = (SLOW_LOG_THRESHOLDS as Record<string, string>)[k.replace(/\.warn$/, ".info")];
      assert.ok(ms(v) > ms(info), `${k} ${v} must be above its info threshold ${info}`);
    }
  });
});
