import type { InstanceConfig } from '@cdktf/provider-aws/lib/instance';
import type { LaunchTemplateConfig } from '@cdktf/provider-aws/lib/launch-template';

/**
 * What every chat server is, whether it is the single instance or one of the Auto Scaling group's: decided here
 * once, then written in the two shapes the provider wants (an aws_instance, an aws_launch_template), so the two
 * layouts cannot drift apart.
 */
export interface ServerInstanceSettings {
  amiId: string;
  instanceType: string;
  instanceProfileName: string;
  /** t3/t4g and later are EBS-optimized at no cost; t2 refuses the flag at launch. */
  ebsOptimized: boolean | undefined;
  /** Standard credits: a t3 in "unlimited" mode bills surplus CPU, which a free-tier account must never see. */
  cpuCredits: 'standard';
  /** IMDSv2 only, one hop: a container or proxy on the instance cannot reach the role's credentials. */
  metadata: { httpEndpoint: 'enabled'; httpTokens: 'required'; httpPutResponseHopLimit: 1 };
  /** The root volume: 8 GB gp3 (inside the free 30 GB), encrypted, gone with the instance. */
  rootVolume: { volumeType: 'gp3'; volumeSize: number; encrypted: true; deleteOnTermination: true };
}

export function serverInstanceSettings(s: { amiId: string; instanceType: string; instanceProfileName: string }): ServerInstanceSettings {
  return {
    ...s,
    ebsOptimized: s.instanceType.startsWith('t2.') ? undefined : true,
    cpuCredits: 'standard',
    metadata: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
    rootVolume: { volumeType: 'gp3', volumeSize: 8, encrypted: true, deleteOnTermination: true },
  };
}

/** The settings as an aws_instance's arguments. */
export function instanceArguments(
  s: ServerInstanceSettings,
): Pick<
  InstanceConfig,
  'ami' | 'instanceType' | 'iamInstanceProfile' | 'ebsOptimized' | 'creditSpecification' | 'metadataOptions' | 'rootBlockDevice'
> {
  return {
    ami: s.amiId,
    instanceType: s.instanceType,
    iamInstanceProfile: s.instanceProfileName,
    ebsOptimized: s.ebsOptimized,
    creditSpecification: { cpuCredits: s.cpuCredits },
    metadataOptions: { ...s.metadata },
    rootBlockDevice: { ...s.rootVolume },
  };
}

/** The settings as an aws_launch_template's arguments (the provider wants its booleans as strings there). */
export function launchTemplateArguments(
  s: ServerInstanceSettings,
): Pick<
  LaunchTemplateConfig,
  'imageId' | 'instanceType' | 'iamInstanceProfile' | 'ebsOptimized' | 'creditSpecification' | 'metadataOptions' | 'blockDeviceMappings'
> {
  const v = s.rootVolume;
  return {
    imageId: s.amiId,
    instanceType: s.instanceType,
    iamInstanceProfile: { name: s.instanceProfileName },
    ebsOptimized: s.ebsOptimized === undefined ? undefined : String(s.ebsOptimized),
    creditSpecification: { cpuCredits: s.cpuCredits },
    metadataOptions: { ...s.metadata },
    blockDeviceMappings: [
      {
        deviceName: '/dev/xvda',
        ebs: {
          volumeType: v.volumeType,
          volumeSize: v.volumeSize,
          encrypted: String(v.encrypted),
          deleteOnTermination: String(v.deleteOnTermination),
        },
      },
    ],
  };
}
