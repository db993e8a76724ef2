// Regions and the partitions they belong to.

/** The partition a region belongs to; undefined for a region the configuration leaves open. */
export function regionPartition(region: string): string | undefined {
  if (!isRegion(region)) return undefined;
  for (const [prefix, partition] of [['cn-', 'aws-cn'], ['us-gov-', 'aws-us-gov'], ['us-isob-', 'aws-iso-b'], ['us-isof-', 'aws-iso-f'], ['eu-isoe-', 'aws-iso-e'], ['us-iso-', 'aws-iso']]) {
    if (region.startsWith(prefix)) return partition;
  }
  return 'aws';
}

/** A region name as AWS writes them (`eu-west-1`, `us-gov-east-1`). */
export function isRegion(s: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d+$/.test(s);
}
