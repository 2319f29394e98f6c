/**
 * systemd sandboxing of chat.service beyond the basics in user-data.ts (NoNewPrivileges, ProtectSystem, ...): the
 * server needs the network, its state directory and nothing of the kernel, devices or other namespaces.
 */
export const SERVICE_HARDENING = [
  'PrivateDevices=true',
  'ProtectKernelTunables=true',
  'ProtectKernelModules=true',
  'ProtectKernelLogs=true',
  'ProtectControlGroups=true',
  'ProtectClock=true',
  'ProtectHostname=true',
  'ProtectProc=invisible',
  // AF_NETLINK: Node reads interface addresses through it (os.networkInterfaces).
  'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
  'RestrictNamespaces=true',
  'RestrictRealtime=true',
  'RestrictSUIDSGID=true',
  'LockPersonality=true',
  'SystemCallArchitectures=native',
  'SystemCallFilter=@system-service',
  'SystemCallErrorNumber=EPERM',
  'UMask=0027',
  // No MemoryDenyWriteExecute: V8's JIT writes the code it then runs.
  // t3.micro has 1 GiB: the server may take most of it, never all (the SSM and CloudWatch agents live there too).
  'MemoryMax=700M',
  // 78 (EX_CONFIG) is the server's exit code for a bad setting: restarting cannot fix that, so systemd stops trying.
  'RestartPreventExitStatus=78',
].join('\n');
