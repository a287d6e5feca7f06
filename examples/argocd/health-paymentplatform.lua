-- Argo CD health check for platform.payments.io/PaymentPlatform (resource.customizations).
-- Argo CD's built-in checks cover *.crossplane.io and *.upbound.io, not this group.
-- Healthy only when Crossplane reports both Synced=True and Ready=True.
local hs = { status = "Progressing", message = "Waiting for Crossplane to report Synced and Ready" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
local synced, ready
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Synced" then synced = c end
  if c.type == "Ready" then ready = c end
end
if synced ~= nil and synced.status == "False" then
  hs.status = "Degraded"
  hs.message = "Synced=False: " .. (synced.message or synced.reason or "")
  return hs
end
if ready ~= nil and ready.status == "True" and synced ~= nil and synced.status == "True" then
  hs.status = "Healthy"
  hs.message = "Synced and Ready"
  if obj.status.albDnsName ~= nil then
    hs.message = hs.message .. ": " .. obj.status.albDnsName
  end
  return hs
end
if ready ~= nil and ready.status == "False" then
  hs.message = "Ready=False: " .. (ready.message or ready.reason or "")
end
return hs
