/**
 * A boot step another module contributes to the instance's boot script (user-data.ts runs each as the shell function
 * step_<name>, after the unit is written and before the release): its os_* functions (a test may replace them) and
 * its body.
 */
export interface BootStep {
  /** The step is the shell function step_<name>. */
  name: string;
  /** Shell defining the step's os_* functions (what touches the real system: packages, services). */
  os: string;
  /** The step function's body. */
  body: string;
  /** Lines the step adds to chat.service's [Service] section. */
  unitLines?: string[];
}
