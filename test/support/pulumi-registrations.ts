/**
 * Records every resource registration the Pulumi SDK sends to the (mock) engine, as it is sent:
 * type, name, parent, dependencies, options and the serialized inputs, in which secrets are
 * still wrapped as secrets.
 */
import { MockMonitor } from '@pulumi/pulumi/runtime/mocks';

/** One registration request. */
export interface RecordedRegistration {
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly dependencies: string[];
  readonly custom: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly additionalSecretOutputs: string[];
  /** Inputs on the wire: secrets are `{ <sig>: <secret sig>, value }`. */
  readonly wire: Record<string, any>;
}

/** Starts recording into `into` (call before `setMocks`); registrations keep reaching the mocks. */
export function recordRegistrations(into: RecordedRegistration[] = []): RecordedRegistration[] {
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (this: MockMonitor, req: any, callback: any) {
    into.push({
      type: req.getType(), name: req.getName(), parent: req.getParent(), dependencies: req.getDependenciesList(),
      custom: req.getCustom(), protect: req.getProtect(), retainOnDelete: req.getRetainondelete(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(), wire: req.getObject()?.toJavaScript() ?? {},
    });
    return original.call(this, req, callback);
  };
  return into;
}

/** The secret-wrapper signature of Pulumi's wire format. */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** Whether a wire value is a Pulumi secret. */
export function isSecret(value: any): boolean {
  return value !== null && typeof value === 'object' && value[SIG_KEY] === SECRET_SIG;
}
