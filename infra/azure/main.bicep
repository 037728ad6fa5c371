// Verge on Azure Functions (Flex Consumption, Linux, Java 21): the cloud API (HTTP triggers `api` and `dashboard`),
// package registration on blob upload (Event Grid BlobCreated -> `modelBlobCreated`), registry events (ACR
// ImagePushed/ImageDeleted -> `eventGrid`), the rollout controller (timer `rolloutTick`, every minute), storage
// (blobs + tables), Key Vault for secrets, Application Insights, and one user-assigned identity that holds every
// role, so that no connection string or account key is stored anywhere (the storage account refuses shared keys).
//
//   az deployment group create -g <rg> -f infra/azure/main.bicep -p infra/azure/main.parameters.json \
//       -p apiKeys=<key> -p signingKey=<Base64 PKCS#8 Ed25519 key> [-p webhookSecretGithub=<secret> ...]
//   (cd functions/azure/target/azure-functions/verge-functions && func azure functionapp publish <appName>)
//   az deployment group create ... -p deployEventSubscriptions=true     # once the functions exist
//
// infra/src/test reads this file with small regular expressions (no Bicep compiler runs in the build):
// keep the app settings in the `appSettings` object below, one `NAME: value` per line.

@description('Prefix of every resource name')
@minLength(3)
@maxLength(11)
param namePrefix string = 'verge'

@description('Stage name, part of every resource name')
@maxLength(8)
param stage string = 'prod'

param location string = resourceGroup().location

@description('Registry API keys, comma-separated (two during a rotation); stored in Key Vault only')
@secure()
param apiKeys string

@description('Ed25519 private key that signs packages and desired states for devices (Base64 PKCS#8: openssl genpkey -algorithm ed25519 -outform DER | base64 -w0); generate it once, keep it, pass it on every deployment; to rotate it follow the README (during the switch: the new key, a comma, the previous key)')
@secure()
param signingKey string

// One secret per webhook source (POST /api/webhooks/<source>), each in Key Vault. Pass the ones your registries
// use, on every deployment; one left out gets a fresh random value nobody knows, which refuses that source (401).
@description('ACR webhooks: the value of header X-Verge-Webhook-Secret')
@secure()
param webhookSecretAcr string = newGuid()

@description('Docker Hub webhooks: the token in /api/webhooks/dockerhub/<token>')
@secure()
param webhookSecretDockerHub string = newGuid()

@description('Hugging Face webhooks: X-Webhook-Secret')
@secure()
param webhookSecretHuggingFace string = newGuid()

@description('MLflow webhooks: the HMAC-SHA256 key')
@secure()
param webhookSecretMlflow string = newGuid()

@description('GitHub webhooks: the HMAC-SHA256 key of X-Hub-Signature-256')
@secure()
param webhookSecretGitHub string = newGuid()

@description('Generic webhooks: the HMAC-SHA256 key of X-Hub-Signature-256')
@secure()
param webhookSecretGeneric string = newGuid()

@description('VERGE_EVENT_RULES: JSON rules for registry events (see EventRules in functions/core; each rule names its sources); empty: the built-in rules, where every source registers versions but nothing promotes or archives')
param eventRules string = ''

@description('During a signing-key rotation only: the next key\'s Ed25519 public key (Base64 X.509), announced to every device (README: rotating the signing key)')
param nextSigningPublicKeyX509 string = ''

@description('Whether agents that do not speak the signed desired state (protocol 2) are still answered while a fleet upgrades; refuse answers them 426')
@allowed(['serve', 'refuse'])
param legacyAgents string = 'serve'

@description('Models (comma-separated) whose production version is loaded when an instance starts, not at the first prediction')
param preloadModels string = ''

@description('Event Grid validates that the target function exists: deploy once with false, publish the functions, then deploy with true')
param deployEventSubscriptions bool = false

@description('Name of an existing Azure Container Registry in this resource group whose ImagePushed events should reach Verge (empty: none)')
param containerRegistryName string = ''

@description('Most instances the Flex Consumption plan scales out to')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@allowed([2048, 4096])
param instanceMemoryMB int = 2048

@description('Redundancy of the storage account (ZRS where the region has zones)')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS', 'Standard_GZRS'])
param storageSku string = 'Standard_LRS'

@description('Days Log Analytics keeps the logs')
@minValue(30)
param logRetentionDays int = 30

@description('Days the samples container keeps images sent by edge agents')
@minValue(1)
param samplesRetentionDays int = 180

var suffix = uniqueString(resourceGroup().id, namePrefix, stage)
var appName = '${namePrefix}-${stage}-${suffix}'
var storageName = take(toLower('${namePrefix}${stage}${suffix}'), 24)
var vaultName = take('${namePrefix}-${stage}-${suffix}', 24)
var modelsContainer = 'models'
var samplesContainer = 'samples'
var deploymentContainer = 'deployments'
var deadLetterContainer = 'deadletters'
var metadataTable = 'verge'

// built-in role definitions
var storageBlobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

// ------------------------------------------------------------------ identity
// created before the app, with its roles, so Key Vault references and storage work from the first start
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${appName}-id'
  location: location
}

// ------------------------------------------------------------------ storage
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    encryption: {
      keySource: 'Microsoft.Storage'
      services: {
        blob: { enabled: true }
        table: { enabled: true }
        queue: { enabled: true }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 14
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 14
    }
  }
}

resource modelsBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: modelsContainer
  properties: {
    publicAccess: 'None'
  }
}

resource samplesBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: samplesContainer
  properties: {
    publicAccess: 'None'
  }
}

// the Flex Consumption plan deploys the function package from here
resource deploymentBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
  properties: {
    publicAccess: 'None'
  }
}

resource deadLetterBlobContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deadLetterContainer
  properties: {
    publicAccess: 'None'
  }
}

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-samples'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${samplesContainer}/']
            }
            actions: {
              baseBlob: {
                delete: { daysAfterModificationGreaterThan: samplesRetentionDays }
              }
              version: {
                delete: { daysAfterCreationGreaterThan: 7 }
              }
            }
          }
        }
        {
          name: 'expire-old-model-versions'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: ['blockBlob']
              prefixMatch: ['${modelsContainer}/']
            }
            actions: {
              version: {
                delete: { daysAfterCreationGreaterThan: 90 }
              }
            }
          }
        }
      ]
    }
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: metadataTable
}

// ------------------------------------------------------------------ secrets
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKeysSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-api-keys'
  properties: {
    value: apiKeys
    contentType: 'comma-separated API keys'
  }
}

resource signingKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-signing-key'
  properties: {
    value: signingKey
    contentType: 'Ed25519 PKCS#8 private key'
  }
}

resource webhookAcrSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-acr'
  properties: {
    value: webhookSecretAcr
    contentType: 'webhook secret of acr'
  }
}

resource webhookDockerHubSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-dockerhub'
  properties: {
    value: webhookSecretDockerHub
    contentType: 'webhook secret of dockerhub'
  }
}

resource webhookHuggingFaceSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-huggingface'
  properties: {
    value: webhookSecretHuggingFace
    contentType: 'webhook secret of huggingface'
  }
}

resource webhookMlflowSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-mlflow'
  properties: {
    value: webhookSecretMlflow
    contentType: 'webhook secret of mlflow'
  }
}

resource webhookGitHubSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-github'
  properties: {
    value: webhookSecretGitHub
    contentType: 'webhook secret of github'
  }
}

resource webhookGenericSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'verge-webhook-generic'
  properties: {
    value: webhookSecretGeneric
    contentType: 'webhook secret of generic'
  }
}

// ------------------------------------------------------------------ monitoring
resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${appName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${appName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

// ------------------------------------------------------------------ role assignments (identity, not keys)
resource identityBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource identityQueueContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageQueueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource identityTableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource identitySecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource identityMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ------------------------------------------------------------------ the function app
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${appName}-plan'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// What the functions read (infra/src/test checks these names against the code and the function.json files).
// Storage is reached with the identity: <connection>__accountName + __credential + __clientId, no key.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
  VERGE_STORAGE__accountName: storage.name
  VERGE_STORAGE__clientId: identity.properties.clientId
  VERGE_MODELS_CONTAINER: modelsContainer
  VERGE_TABLE: metadataTable
  VERGE_API_KEYS: '@Microsoft.KeyVault(SecretUri=${apiKeysSecret.properties.secretUri})'
  VERGE_PACKAGE_DELIVERY: 'redirect'
  // an unresolved reference reaches the app as its own text, which AzureSettings refuses at start, by name
  VERGE_SIGNING_KEY: '@Microsoft.KeyVault(SecretUri=${signingKeySecret.properties.secretUri})'
  // key rotation and the device protocol (README: rotating the signing key, upgrading a fleet)
  VERGE_NEXT_SIGNING_PUBKEY: nextSigningPublicKeyX509
  VERGE_DESIRED_STATE_LIFETIME_SECONDS: '86400'
  VERGE_LEGACY_AGENTS: legacyAgents
  VERGE_WEBHOOK_SECRET_ACR: '@Microsoft.KeyVault(SecretUri=${webhookAcrSecret.properties.secretUri})'
  VERGE_WEBHOOK_SECRET_DOCKERHUB: '@Microsoft.KeyVault(SecretUri=${webhookDockerHubSecret.properties.secretUri})'
  VERGE_WEBHOOK_SECRET_HUGGINGFACE: '@Microsoft.KeyVault(SecretUri=${webhookHuggingFaceSecret.properties.secretUri})'
  VERGE_WEBHOOK_SECRET_MLFLOW: '@Microsoft.KeyVault(SecretUri=${webhookMlflowSecret.properties.secretUri})'
  VERGE_WEBHOOK_SECRET_GITHUB: '@Microsoft.KeyVault(SecretUri=${webhookGitHubSecret.properties.secretUri})'
  VERGE_WEBHOOK_SECRET_GENERIC: '@Microsoft.KeyVault(SecretUri=${webhookGenericSecret.properties.secretUri})'
  // Event Grid reaches the eventGrid trigger, which needs no secret: /api/events/eventgrid (webhook delivery) stays closed
  VERGE_WEBHOOK_MAX_AGE_SECONDS: '300'
  VERGE_EVENT_RULES: eventRules
  // prediction endpoint (POST /api/models/{name}/predict): the edge agent's image limits
  VERGE_MAX_BODY_BYTES: '4194304'
  VERGE_MAX_PIXELS: '40000000'
  // ONNX sessions kept per instance (instanceMemoryMB); the least recently used one is closed beyond that
  VERGE_MAX_LOADED_MODELS: '2'
  // a promotion reaches running instances within this many seconds
  VERGE_PRODUCTION_RECHECK_SECONDS: '10'
  // one inference may run this long (ms), then ONNX Runtime stops it (503 inference_timeout); the registry's
  // smoke test has the same bound
  VERGE_MAX_INFERENCE_MS: '10000'
  VERGE_PRELOAD_MODELS: preloadModels
  // agents ask for their desired state this often
  VERGE_DEVICE_POLL_SECONDS: '30'
  // telemetry ingest (a batch is counted after gzip is undone) and samples
  VERGE_TELEMETRY_MAX_BATCH_MB: '16'
  VERGE_TELEMETRY_MAX_RECORDS: '50000'
  VERGE_SAMPLE_MAX_MB: '4'
  // drift: a version's baseline is its first 24 hours; the last 6 hours are compared with it (PSI)
  VERGE_DRIFT_BASELINE_HOURS: '24'
  VERGE_DRIFT_WINDOW_HOURS: '6'
  VERGE_DRIFT_THRESHOLD: '0.2'
  VERGE_DRIFT_MIN_COUNT: '100'
  // device rights: reports of versions sent in the last 7 days, record times within 5 min of the deployment
  // window, and per-device sample quotas per UTC day
  VERGE_DEVICE_RETENTION_DAYS: '7'
  VERGE_DEVICE_CLOCK_SKEW_SECONDS: '300'
  VERGE_SAMPLES_PER_DEVICE_PER_DAY: '500'
  VERGE_SAMPLE_MB_PER_DEVICE_PER_DAY: '100'
  // retention of what grows with traffic (README, "Retention"); the housekeeping timer function deletes it
  VERGE_RETAIN_BATCH_MARKERS_DAYS: '35'
  VERGE_RETAIN_EVENTS_DAYS: '90'
  VERGE_RETAIN_DEVICE_ROLLUPS_DAYS: '14'
  VERGE_ROLLUP_HOURLY_DAYS: '30'
  // Flex Consumption runs blob triggers only from Event Grid: modelBlobCreated registers uploads instead
  'AzureWebJobs.modelBlob.Disabled': 'true'
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for setting in items(appSettings): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'java'
        version: '21'
      }
    }
  }
  dependsOn: [
    identityBlobOwner
    identityQueueContributor
    identityTableContributor
    identitySecretsUser
    identityMetricsPublisher
    deploymentBlobContainer
  ]
}

// ------------------------------------------------------------------ Event Grid
resource storageTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${appName}-storage-events'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource storageTopicDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, storageTopic.id, storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: storageTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource blobCreatedSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (deployEventSubscriptions) {
  parent: storageTopic
  name: 'model-blob-created'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/modelBlobCreated'
        maxEventsPerBatch: 1
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/${modelsContainer}/'
    }
    retryPolicy: {
      maxDeliveryAttempts: 10
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
  dependsOn: [
    storageTopicDeadLetters
  ]
}

// ACR pushes and deletes go to the event intake (eventGrid), which maps repositories and tags with VERGE_EVENT_RULES;
// only read when containerRegistryName is set (registryTopic has that condition)
resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: empty(containerRegistryName) ? 'none' : containerRegistryName
}

resource registryTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = if (!empty(containerRegistryName)) {
  name: '${appName}-registry-events'
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: registry.id
    topicType: 'Microsoft.ContainerRegistry.Registries'
  }
}

resource registryTopicDeadLetters 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(containerRegistryName)) {
  scope: storage
  name: guid(storage.id, '${appName}-registry-events', storageBlobDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
    principalId: registryTopic.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

resource imagePushedSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (deployEventSubscriptions && !empty(containerRegistryName)) {
  parent: registryTopic
  name: 'registry-image-pushed'
  properties: {
    eventDeliverySchema: 'EventGridSchema'
    destination: {
      endpointType: 'AzureFunction'
      properties: {
        resourceId: '${functionApp.id}/functions/eventGrid'
        maxEventsPerBatch: 1
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.ContainerRegistry.ImagePushed', 'Microsoft.ContainerRegistry.ImageDeleted']
    }
    retryPolicy: {
      maxDeliveryAttempts: 10
      eventTimeToLiveInMinutes: 1440
    }
    deadLetterWithResourceIdentity: {
      identity: {
        type: 'SystemAssigned'
      }
      deadLetterDestination: {
        endpointType: 'StorageBlob'
        properties: {
          resourceId: storage.id
          blobContainerName: deadLetterContainer
        }
      }
    }
  }
  dependsOn: [
    registryTopicDeadLetters
  ]
}

output functionAppName string = functionApp.name
output apiUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
output modelsContainer string = modelsContainer
output samplesContainer string = samplesContainer
output keyVaultName string = vault.name
output identityClientId string = identity.properties.clientId
