// Regions and the partitions they belong to.

/** The partition a region belongs to; undefined for a region the configuration leaves open. */
export function regionPartition(region: string): string | undefined {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  for (const [prefix, partition] of [['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-isof-', 'aws-iso-f'], ['eu-isoe-', 'aws-iso-e'], ['us-iso-', 'aws-iso']]) {
    if (region.startsWith(prefix)) return partition;
  }
  return 'aws';
}
