import { create, globals } from 'webgpu';
const flags = process.argv[2] ? process.argv[2].split(' ') : [];
const gpu = create(flags);
for (const fl of ['core', 'compatibility']) {
  const a = await gpu.requestAdapter({ featureLevel: fl });
  if (!a) { console.log(fl, 'no adapter'); continue; }
  console.log(fl, a.info?.vendor, a.info?.architecture, a.info?.device, a.info?.description, [...a.features].join(','));
  const d = await a.requestDevice({requiredFeatures: a.features.has('shader-f16') ? ['shader-f16'] : []});
  console.log(' limits', d.limits.maxComputeInvocationsPerWorkgroup, d.limits.maxStorageBuffersPerShaderStage, d.limits.maxComputeWorkgroupStorageSize, d.limits.minUniformBufferOffsetAlignment, d.limits.maxBufferSize, d.limits.maxStorageBufferBindingSize);
  d.destroy();
}
