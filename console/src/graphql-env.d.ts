/* eslint-disable */
/* prettier-ignore */

export type introspection_types = {
  AlertChannel: {
    kind: 'OBJECT';
    name: 'AlertChannel';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      events: {
        name: 'events';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'AlertEvent'; ofType: null } } };
        };
      };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      kind: { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'AlertChannelKind'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      signed: { name: 'signed'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      teamId: { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
    };
  };
  AlertChannelKind: { name: 'AlertChannelKind'; enumValues: 'SLACK' | 'WEBHOOK' };
  AlertEvent: { name: 'AlertEvent'; enumValues: 'BUDGET' | 'DEGRADED' };
  ApiKey: {
    kind: 'OBJECT';
    name: 'ApiKey';
    fields: {
      allowedModels: {
        name: 'allowedModels';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
      blocked: { name: 'blocked'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      budgets: {
        name: 'budgets';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Budget'; ofType: null } } };
        };
      };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      expiresAt: { name: 'expiresAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } };
      fallbackChain: { name: 'fallbackChain'; type: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      lastUsedAt: { name: 'lastUsedAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } };
      limits: { name: 'limits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Limits'; ofType: null } } };
      metadata: { name: 'metadata'; type: { kind: 'SCALAR'; name: 'JSON'; ofType: null } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      prefix: { name: 'prefix'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      previousSecretExpiresAt: { name: 'previousSecretExpiresAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } };
      revokedAt: { name: 'revokedAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } };
      routingProfile: { name: 'routingProfile'; type: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } };
      status: { name: 'status'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'ApiKeyStatus'; ofType: null } } };
      team: { name: 'team'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } };
    };
  };
  ApiKeyStatus: { name: 'ApiKeyStatus'; enumValues: 'ACTIVE' | 'BLOCKED' | 'EXPIRED' | 'REVOKED' };
  ApplyConfigInput: {
    kind: 'INPUT_OBJECT';
    name: 'ApplyConfigInput';
    isOneOf: false;
    inputFields: [
      { name: 'allowLiteralSecrets'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'dryRun'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      {
        name: 'env';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'INPUT_OBJECT'; name: 'EnvVarInput'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'prune'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'yaml'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
    ];
  };
  AuditLogEntry: {
    kind: 'OBJECT';
    name: 'AuditLogEntry';
    fields: {
      action: { name: 'action'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      actorId: { name: 'actorId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      actorKind: { name: 'actorKind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      changes: { name: 'changes'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'JSON'; ofType: null } } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      entity: { name: 'entity'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      entityId: { name: 'entityId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      teamId: { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
    };
  };
  Billing: { name: 'Billing'; enumValues: 'POSTPAID' | 'PREPAID' };
  Boolean: unknown;
  Budget: {
    kind: 'OBJECT';
    name: 'Budget';
    fields: {
      alertThresholds: {
        name: 'alertThresholds';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        };
      };
      amount: { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      apiKey: { name: 'apiKey'; type: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      hard: { name: 'hard'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      model: { name: 'model'; type: { kind: 'OBJECT'; name: 'Model'; ofType: null } };
      period: { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } } };
      scope: { name: 'scope'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetScope'; ofType: null } } };
      scopeId: { name: 'scopeId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      team: { name: 'team'; type: { kind: 'OBJECT'; name: 'Team'; ofType: null } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
    };
  };
  BudgetAlert: {
    kind: 'OBJECT';
    name: 'BudgetAlert';
    fields: {
      amount: { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      budgetId: { name: 'budgetId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      periodStart: { name: 'periodStart'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      spent: { name: 'spent'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      teamId: { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      threshold: { name: 'threshold'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  BudgetPeriod: { name: 'BudgetPeriod'; enumValues: 'DAILY' | 'MONTHLY' | 'TOTAL' | 'WEEKLY' };
  BudgetScope: { name: 'BudgetScope'; enumValues: 'KEY' | 'MODEL' | 'TEAM' };
  BudgetStatus: {
    kind: 'OBJECT';
    name: 'BudgetStatus';
    fields: {
      at: { name: 'at'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      budgets: {
        name: 'budgets';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'BudgetUsage'; ofType: null } } };
        };
      };
      teamId: { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
    };
  };
  BudgetTemplate: {
    kind: 'OBJECT';
    name: 'BudgetTemplate';
    fields: {
      alertThresholds: {
        name: 'alertThresholds';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        };
      };
      amount: { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      hard: { name: 'hard'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      period: { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } } };
    };
  };
  BudgetTemplateInput: {
    kind: 'INPUT_OBJECT';
    name: 'BudgetTemplateInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'alertThresholds';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
      { name: 'hard'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } }; defaultValue: null },
    ];
  };
  BudgetUsage: {
    kind: 'OBJECT';
    name: 'BudgetUsage';
    fields: {
      amount: { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      budgetId: { name: 'budgetId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      burnRatePerDay: { name: 'burnRatePerDay'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      exhausted: { name: 'exhausted'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      fromPlan: { name: 'fromPlan'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      hard: { name: 'hard'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      period: { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } } };
      periodEnd: { name: 'periodEnd'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } };
      periodStart: { name: 'periodStart'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      remaining: { name: 'remaining'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      scope: { name: 'scope'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetScope'; ofType: null } } };
      scopeId: { name: 'scopeId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      spent: { name: 'spent'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      thresholdsReached: {
        name: 'thresholdsReached';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        };
      };
    };
  };
  CachePolicy: {
    kind: 'OBJECT';
    name: 'CachePolicy';
    fields: {
      apiKey: { name: 'apiKey'; type: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      deterministicOnly: { name: 'deterministicOnly'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      enabled: { name: 'enabled'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      hitPrice: { name: 'hitPrice'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      scope: { name: 'scope'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'CachePolicyScope'; ofType: null } } };
      scopeId: { name: 'scopeId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      team: { name: 'team'; type: { kind: 'OBJECT'; name: 'Team'; ofType: null } };
      ttlSeconds: { name: 'ttlSeconds'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
    };
  };
  CachePolicyScope: { name: 'CachePolicyScope'; enumValues: 'KEY' | 'PLAN' | 'TEAM' };
  CatalogueModel: {
    kind: 'OBJECT';
    name: 'CatalogueModel';
    fields: {
      cacheWritePerMillion: { name: 'cacheWritePerMillion'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } };
      cachedInputPerMillion: {
        name: 'cachedInputPerMillion';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } };
      };
      contextWindow: { name: 'contextWindow'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      inputPerMillion: { name: 'inputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      model: { name: 'model'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      outputPerMillion: { name: 'outputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      provider: { name: 'provider'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      tiered: { name: 'tiered'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
    };
  };
  ConfigApplyResult: {
    kind: 'OBJECT';
    name: 'ConfigApplyResult';
    fields: {
      applied: { name: 'applied'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      changes: {
        name: 'changes';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
    };
  };
  ConfigFileError: {
    kind: 'OBJECT';
    name: 'ConfigFileError';
    fields: {
      issues: {
        name: 'issues';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ConfigIssue'; ofType: null } } };
        };
      };
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  ConfigIssue: {
    kind: 'OBJECT';
    name: 'ConfigIssue';
    fields: {
      column: { name: 'column'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      line: { name: 'line'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      path: { name: 'path'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  ConflictError: {
    kind: 'OBJECT';
    name: 'ConflictError';
    fields: {
      field: { name: 'field'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  CreateAlertChannelInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateAlertChannelInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'events';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'AlertEvent'; ofType: null } } };
        };
        defaultValue: null;
      },
      { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'AlertChannelKind'; ofType: null } }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'secret'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'url'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
    ];
  };
  CreateApiKeyInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateApiKeyInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'allowedModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'budget'; type: { kind: 'INPUT_OBJECT'; name: 'KeyBudgetInput'; ofType: null }; defaultValue: null },
      { name: 'expiresAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'metadata'; type: { kind: 'SCALAR'; name: 'JSON'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
    ];
  };
  CreateDeploymentInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateDeploymentInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'extraParameters';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'fromCatalogue'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'modelId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'price'; type: { kind: 'INPUT_OBJECT'; name: 'PriceInput'; ofType: null }; defaultValue: null },
      { name: 'providerId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'timeouts'; type: { kind: 'INPUT_OBJECT'; name: 'TimeoutsInput'; ofType: null }; defaultValue: null },
      { name: 'upstreamModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'weight'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
    ];
  };
  CreateFallbackChainInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateFallbackChainInput';
    isOneOf: false;
    inputFields: [
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      {
        name: 'models';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
        defaultValue: null;
      },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      {
        name: 'triggers';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'FallbackTrigger'; ofType: null } } };
        };
        defaultValue: null;
      },
    ];
  };
  CreateGuardrailInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateGuardrailInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'denyKeywords';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      {
        name: 'denyPatterns';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      {
        name: 'imageModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'GuardrailKind'; ofType: null } }; defaultValue: null },
      { name: 'maxPromptTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'piiAction'; type: { kind: 'ENUM'; name: 'PiiAction'; ofType: null }; defaultValue: null },
      {
        name: 'piiEntities';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'PiiEntity'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'planId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'stage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'GuardrailStage'; ofType: null } }; defaultValue: null },
      { name: 'streamMode'; type: { kind: 'ENUM'; name: 'GuardrailStreamMode'; ofType: null }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'webhookFailOpen'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'webhookSecret'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'webhookTimeoutMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'webhookUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
    ];
  };
  CreateMemberInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateMemberInput';
    isOneOf: false;
    inputFields: [
      { name: 'email'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'role'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'TeamRole'; ofType: null } }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
    ];
  };
  CreateModelInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateModelInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'aliases';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'capabilities'; type: { kind: 'INPUT_OBJECT'; name: 'ModelCapabilitiesInput'; ofType: null }; defaultValue: null },
      { name: 'contextWindow'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      {
        name: 'deployments';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'INPUT_OBJECT'; name: 'DeploymentInput'; ofType: null } };
          };
        };
        defaultValue: null;
      },
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'fromCatalogue'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'maxOutputTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'price'; type: { kind: 'INPUT_OBJECT'; name: 'PriceInput'; ofType: null }; defaultValue: null },
      {
        name: 'tags';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
    ];
  };
  CreatePlanInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreatePlanInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'allowedModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'billing'; type: { kind: 'ENUM'; name: 'Billing'; ofType: null }; defaultValue: null },
      { name: 'budget'; type: { kind: 'INPUT_OBJECT'; name: 'BudgetTemplateInput'; ofType: null }; defaultValue: null },
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'markupBasisPoints'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
    ];
  };
  CreateProviderInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateProviderInput';
    isOneOf: false;
    inputFields: [
      { name: 'apiKey'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'apiVersion'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'baseUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'kind'; type: { kind: 'ENUM'; name: 'ProviderKind'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'preset'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'region'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
    ];
  };
  CreateRoutingProfileInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateRoutingProfileInput';
    isOneOf: false;
    inputFields: [
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'strategy'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'RoutingStrategy'; ofType: null } }; defaultValue: null },
    ];
  };
  CreateTeamInput: {
    kind: 'INPUT_OBJECT';
    name: 'CreateTeamInput';
    isOneOf: false;
    inputFields: [
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'planId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'slug'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'systemPrompt'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
    ];
  };
  CreatedApiKey: {
    kind: 'OBJECT';
    name: 'CreatedApiKey';
    fields: {
      apiKey: { name: 'apiKey'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } } };
      secret: { name: 'secret'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  CreditBalance: {
    kind: 'OBJECT';
    name: 'CreditBalance';
    fields: {
      balance: { name: 'balance'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      granted: { name: 'granted'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      spent: { name: 'spent'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
    };
  };
  CreditTransaction: {
    kind: 'OBJECT';
    name: 'CreditTransaction';
    fields: {
      actor: { name: 'actor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      amount: { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      kind: { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      reason: { name: 'reason'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  DataPlaneState: { name: 'DataPlaneState'; enumValues: 'DRAINING' | 'LOST' | 'NOT_READY' | 'READY' };
  DateTime: unknown;
  DegradedMode: {
    name: 'DegradedMode';
    enumValues: 'CACHE_BYPASS' | 'CONTROL_PLANE_DOWN' | 'DATABASE_DOWN' | 'MONEY_LOCAL_SHARE' | 'REDIS_DOWN' | 'SNAPSHOT_STALE' | 'USAGE_SPOOLING';
  };
  Deployment: {
    kind: 'OBJECT';
    name: 'Deployment';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      currentPrice: { name: 'currentPrice'; type: { kind: 'OBJECT'; name: 'ModelPrice'; ofType: null } };
      extraParameters: {
        name: 'extraParameters';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      limits: { name: 'limits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Limits'; ofType: null } } };
      model: { name: 'model'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Model'; ofType: null } } };
      prices: {
        name: 'prices';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ModelPrice'; ofType: null } } };
        };
      };
      provider: { name: 'provider'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Provider'; ofType: null } } };
      timeouts: { name: 'timeouts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Timeouts'; ofType: null } } };
      upstreamModel: { name: 'upstreamModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      weight: { name: 'weight'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  DeploymentInput: {
    kind: 'INPUT_OBJECT';
    name: 'DeploymentInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'extraParameters';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'fromCatalogue'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'price'; type: { kind: 'INPUT_OBJECT'; name: 'PriceInput'; ofType: null }; defaultValue: null },
      { name: 'providerId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'timeouts'; type: { kind: 'INPUT_OBJECT'; name: 'TimeoutsInput'; ofType: null }; defaultValue: null },
      { name: 'upstreamModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'weight'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
    ];
  };
  EnvVarInput: {
    kind: 'INPUT_OBJECT';
    name: 'EnvVarInput';
    isOneOf: false;
    inputFields: [
      { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'value'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
    ];
  };
  Error: {
    kind: 'INTERFACE';
    name: 'Error';
    fields: { message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } } };
    possibleTypes: 'ConfigFileError' | 'ConflictError' | 'ForbiddenError' | 'NotFoundError' | 'ValidationError';
  };
  FallbackChain: {
    kind: 'OBJECT';
    name: 'FallbackChain';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      description: { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      models: {
        name: 'models';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Model'; ofType: null } } };
        };
      };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      triggers: {
        name: 'triggers';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'FallbackTrigger'; ofType: null } } };
        };
      };
    };
  };
  FallbackTrigger: { name: 'FallbackTrigger'; enumValues: 'CONTENT_POLICY' | 'CONTEXT_WINDOW' | 'RATE_LIMIT' | 'SERVER_ERROR' | 'TIMEOUT' };
  FieldIssue: {
    kind: 'OBJECT';
    name: 'FieldIssue';
    fields: {
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      path: { name: 'path'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  Fleet: {
    kind: 'OBJECT';
    name: 'Fleet';
    fields: {
      converged: { name: 'converged'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      convergedCount: { name: 'convergedCount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      dataPlanes: {
        name: 'dataPlanes';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'FleetDataPlane'; ofType: null } } };
        };
      };
      live: { name: 'live'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      targetSnapshotVersion: { name: 'targetSnapshotVersion'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
    };
  };
  FleetDataPlane: {
    kind: 'OBJECT';
    name: 'FleetDataPlane';
    fields: {
      degradedModes: {
        name: 'degradedModes';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'DegradedMode'; ofType: null } } };
        };
      };
      inFlight: { name: 'inFlight'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      instanceId: { name: 'instanceId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      lastRefusedSnapshot: { name: 'lastRefusedSnapshot'; type: { kind: 'OBJECT'; name: 'RefusedSnapshot'; ofType: null } };
      lastSeenAt: { name: 'lastSeenAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      snapshotHash: { name: 'snapshotHash'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      snapshotSource: { name: 'snapshotSource'; type: { kind: 'ENUM'; name: 'SnapshotSource'; ofType: null } };
      snapshotVersion: { name: 'snapshotVersion'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      startedAt: { name: 'startedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      state: { name: 'state'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'DataPlaneState'; ofType: null } } };
    };
  };
  Float: unknown;
  ForbiddenError: {
    kind: 'OBJECT';
    name: 'ForbiddenError';
    fields: { message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } } };
  };
  GrantCreditsInput: {
    kind: 'INPUT_OBJECT';
    name: 'GrantCreditsInput';
    isOneOf: false;
    inputFields: [
      { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
      { name: 'reason'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
    ];
  };
  Guardrail: {
    kind: 'OBJECT';
    name: 'Guardrail';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      denyKeywords: {
        name: 'denyKeywords';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      };
      denyPatterns: {
        name: 'denyPatterns';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      imageModels: {
        name: 'imageModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      };
      kind: { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'GuardrailKind'; ofType: null } } };
      maxPromptTokens: { name: 'maxPromptTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      piiAction: { name: 'piiAction'; type: { kind: 'ENUM'; name: 'PiiAction'; ofType: null } };
      piiEntities: {
        name: 'piiEntities';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'PiiEntity'; ofType: null } } };
      };
      planId: { name: 'planId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      stage: { name: 'stage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'GuardrailStage'; ofType: null } } };
      streamMode: { name: 'streamMode'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'GuardrailStreamMode'; ofType: null } } };
      teamId: { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      webhookFailOpen: { name: 'webhookFailOpen'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } };
      webhookTimeoutMs: { name: 'webhookTimeoutMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      webhookUrl: { name: 'webhookUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
    };
  };
  GuardrailKind: { name: 'GuardrailKind'; enumValues: 'DENY_LIST' | 'IMAGE_MODELS' | 'MAX_PROMPT_TOKENS' | 'PII' | 'WEBHOOK' };
  GuardrailStage: { name: 'GuardrailStage'; enumValues: 'BOTH' | 'POST' | 'PRE' };
  GuardrailStreamMode: { name: 'GuardrailStreamMode'; enumValues: 'BUFFER' | 'FLOW' };
  ID: unknown;
  Int: unknown;
  JSON: unknown;
  KeyBudgetInput: {
    kind: 'INPUT_OBJECT';
    name: 'KeyBudgetInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'alertThresholds';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
      { name: 'hard'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } }; defaultValue: null },
    ];
  };
  Limits: {
    kind: 'OBJECT';
    name: 'Limits';
    fields: {
      maxParallel: { name: 'maxParallel'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      rpm: { name: 'rpm'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      tpm: { name: 'tpm'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
    };
  };
  LimitsInput: {
    kind: 'INPUT_OBJECT';
    name: 'LimitsInput';
    isOneOf: false;
    inputFields: [
      { name: 'maxParallel'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'rpm'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'tpm'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
    ];
  };
  Member: {
    kind: 'OBJECT';
    name: 'Member';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      email: { name: 'email'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      role: { name: 'role'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'TeamRole'; ofType: null } } };
      team: { name: 'team'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } };
      tokenPrefix: { name: 'tokenPrefix'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  MemberWithToken: {
    kind: 'OBJECT';
    name: 'MemberWithToken';
    fields: {
      member: { name: 'member'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Member'; ofType: null } } };
      token: { name: 'token'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  MicroUSD: unknown;
  Model: {
    kind: 'OBJECT';
    name: 'Model';
    fields: {
      aliases: {
        name: 'aliases';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
      capabilities: { name: 'capabilities'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ModelCapabilities'; ofType: null } } };
      contextWindow: { name: 'contextWindow'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      currentPrice: { name: 'currentPrice'; type: { kind: 'OBJECT'; name: 'ModelPrice'; ofType: null } };
      deployments: {
        name: 'deployments';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Deployment'; ofType: null } } };
        };
      };
      description: { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      fallbackChain: { name: 'fallbackChain'; type: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      maxOutputTokens: { name: 'maxOutputTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      prices: {
        name: 'prices';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ModelPrice'; ofType: null } } };
        };
      };
      tags: {
        name: 'tags';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
    };
  };
  ModelCapabilities: {
    kind: 'OBJECT';
    name: 'ModelCapabilities';
    fields: {
      embeddings: { name: 'embeddings'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      streaming: { name: 'streaming'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      tools: { name: 'tools'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
    };
  };
  ModelCapabilitiesInput: {
    kind: 'INPUT_OBJECT';
    name: 'ModelCapabilitiesInput';
    isOneOf: false;
    inputFields: [
      { name: 'embeddings'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'streaming'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'tools'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
    ];
  };
  ModelPrice: {
    kind: 'OBJECT';
    name: 'ModelPrice';
    fields: {
      cacheWritePerMillion: { name: 'cacheWritePerMillion'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } };
      cachedInputPerMillion: {
        name: 'cachedInputPerMillion';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } };
      };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      deploymentId: { name: 'deploymentId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      effectiveFrom: { name: 'effectiveFrom'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      inputPerMillion: { name: 'inputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      outputPerMillion: { name: 'outputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
    };
  };
  Mutation: {
    kind: 'OBJECT';
    name: 'Mutation';
    fields: {
      applyConfig: { name: 'applyConfig'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationApplyConfigResult'; ofType: null } } };
      createAlertChannel: {
        name: 'createAlertChannel';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateAlertChannelResult'; ofType: null } };
      };
      createApiKey: {
        name: 'createApiKey';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateApiKeyResult'; ofType: null } };
      };
      createDeployment: {
        name: 'createDeployment';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateDeploymentResult'; ofType: null } };
      };
      createFallbackChain: {
        name: 'createFallbackChain';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateFallbackChainResult'; ofType: null } };
      };
      createGuardrail: {
        name: 'createGuardrail';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateGuardrailResult'; ofType: null } };
      };
      createMember: {
        name: 'createMember';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateMemberResult'; ofType: null } };
      };
      createModel: { name: 'createModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateModelResult'; ofType: null } } };
      createPlan: { name: 'createPlan'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreatePlanResult'; ofType: null } } };
      createProvider: {
        name: 'createProvider';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateProviderResult'; ofType: null } };
      };
      createRoutingProfile: {
        name: 'createRoutingProfile';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateRoutingProfileResult'; ofType: null } };
      };
      createTeam: { name: 'createTeam'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationCreateTeamResult'; ofType: null } } };
      deleteAlertChannel: {
        name: 'deleteAlertChannel';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteAlertChannelResult'; ofType: null } };
      };
      deleteBudget: {
        name: 'deleteBudget';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteBudgetResult'; ofType: null } };
      };
      deleteCachePolicy: {
        name: 'deleteCachePolicy';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteCachePolicyResult'; ofType: null } };
      };
      deleteDeployment: {
        name: 'deleteDeployment';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteDeploymentResult'; ofType: null } };
      };
      deleteFallbackChain: {
        name: 'deleteFallbackChain';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteFallbackChainResult'; ofType: null } };
      };
      deleteGuardrail: {
        name: 'deleteGuardrail';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteGuardrailResult'; ofType: null } };
      };
      deleteMember: {
        name: 'deleteMember';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteMemberResult'; ofType: null } };
      };
      deleteModel: { name: 'deleteModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteModelResult'; ofType: null } } };
      deletePlan: { name: 'deletePlan'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeletePlanResult'; ofType: null } } };
      deleteProvider: {
        name: 'deleteProvider';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteProviderResult'; ofType: null } };
      };
      deleteRoutingProfile: {
        name: 'deleteRoutingProfile';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteRoutingProfileResult'; ofType: null } };
      };
      deleteTeam: { name: 'deleteTeam'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationDeleteTeamResult'; ofType: null } } };
      grantCredits: {
        name: 'grantCredits';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationGrantCreditsResult'; ofType: null } };
      };
      rerate: { name: 'rerate'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationRerateResult'; ofType: null } } };
      resealProviderCredentials: {
        name: 'resealProviderCredentials';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationResealProviderCredentialsResult'; ofType: null } };
      };
      revokeApiKey: {
        name: 'revokeApiKey';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationRevokeApiKeyResult'; ofType: null } };
      };
      rotateApiKey: {
        name: 'rotateApiKey';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationRotateApiKeyResult'; ofType: null } };
      };
      rotateMemberToken: {
        name: 'rotateMemberToken';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationRotateMemberTokenResult'; ofType: null } };
      };
      setBudget: { name: 'setBudget'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationSetBudgetResult'; ofType: null } } };
      setCachePolicy: {
        name: 'setCachePolicy';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationSetCachePolicyResult'; ofType: null } };
      };
      setModelPrice: {
        name: 'setModelPrice';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationSetModelPriceResult'; ofType: null } };
      };
      setTeamBlocked: {
        name: 'setTeamBlocked';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationSetTeamBlockedResult'; ofType: null } };
      };
      setTeamPlan: { name: 'setTeamPlan'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationSetTeamPlanResult'; ofType: null } } };
      updateApiKey: {
        name: 'updateApiKey';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateApiKeyResult'; ofType: null } };
      };
      updateDeployment: {
        name: 'updateDeployment';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateDeploymentResult'; ofType: null } };
      };
      updateFallbackChain: {
        name: 'updateFallbackChain';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateFallbackChainResult'; ofType: null } };
      };
      updateGuardrail: {
        name: 'updateGuardrail';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateGuardrailResult'; ofType: null } };
      };
      updateMember: {
        name: 'updateMember';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateMemberResult'; ofType: null } };
      };
      updateModel: { name: 'updateModel'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateModelResult'; ofType: null } } };
      updatePlan: { name: 'updatePlan'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdatePlanResult'; ofType: null } } };
      updateProvider: {
        name: 'updateProvider';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateProviderResult'; ofType: null } };
      };
      updateRoutingProfile: {
        name: 'updateRoutingProfile';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateRoutingProfileResult'; ofType: null } };
      };
      updateTeam: { name: 'updateTeam'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'UNION'; name: 'MutationUpdateTeamResult'; ofType: null } } };
    };
  };
  MutationApplyConfigResult: {
    kind: 'UNION';
    name: 'MutationApplyConfigResult';
    fields: {};
    possibleTypes: 'ConfigFileError' | 'ConflictError' | 'ForbiddenError' | 'MutationApplyConfigSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationApplyConfigSuccess: {
    kind: 'OBJECT';
    name: 'MutationApplyConfigSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ConfigApplyResult'; ofType: null } } } };
  };
  MutationCreateAlertChannelResult: {
    kind: 'UNION';
    name: 'MutationCreateAlertChannelResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateAlertChannelSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateAlertChannelSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateAlertChannelSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'AlertChannel'; ofType: null } } } };
  };
  MutationCreateApiKeyResult: {
    kind: 'UNION';
    name: 'MutationCreateApiKeyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateApiKeySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateApiKeySuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateApiKeySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreatedApiKey'; ofType: null } } } };
  };
  MutationCreateDeploymentResult: {
    kind: 'UNION';
    name: 'MutationCreateDeploymentResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateDeploymentSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateDeploymentSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateDeploymentSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Deployment'; ofType: null } } } };
  };
  MutationCreateFallbackChainResult: {
    kind: 'UNION';
    name: 'MutationCreateFallbackChainResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateFallbackChainSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateFallbackChainSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateFallbackChainSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } } } };
  };
  MutationCreateGuardrailResult: {
    kind: 'UNION';
    name: 'MutationCreateGuardrailResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateGuardrailSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateGuardrailSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateGuardrailSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Guardrail'; ofType: null } } } };
  };
  MutationCreateMemberResult: {
    kind: 'UNION';
    name: 'MutationCreateMemberResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateMemberSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateMemberSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateMemberSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'MemberWithToken'; ofType: null } } } };
  };
  MutationCreateModelResult: {
    kind: 'UNION';
    name: 'MutationCreateModelResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateModelSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateModelSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateModelSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Model'; ofType: null } } } };
  };
  MutationCreatePlanResult: {
    kind: 'UNION';
    name: 'MutationCreatePlanResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreatePlanSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreatePlanSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreatePlanSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Plan'; ofType: null } } } };
  };
  MutationCreateProviderResult: {
    kind: 'UNION';
    name: 'MutationCreateProviderResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateProviderSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateProviderSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateProviderSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Provider'; ofType: null } } } };
  };
  MutationCreateRoutingProfileResult: {
    kind: 'UNION';
    name: 'MutationCreateRoutingProfileResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateRoutingProfileSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateRoutingProfileSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateRoutingProfileSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } } } };
  };
  MutationCreateTeamResult: {
    kind: 'UNION';
    name: 'MutationCreateTeamResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationCreateTeamSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationCreateTeamSuccess: {
    kind: 'OBJECT';
    name: 'MutationCreateTeamSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } } };
  };
  MutationDeleteAlertChannelResult: {
    kind: 'UNION';
    name: 'MutationDeleteAlertChannelResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteAlertChannelSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteAlertChannelSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteAlertChannelSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteBudgetResult: {
    kind: 'UNION';
    name: 'MutationDeleteBudgetResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteBudgetSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteBudgetSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteBudgetSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteCachePolicyResult: {
    kind: 'UNION';
    name: 'MutationDeleteCachePolicyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteCachePolicySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteCachePolicySuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteCachePolicySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteDeploymentResult: {
    kind: 'UNION';
    name: 'MutationDeleteDeploymentResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteDeploymentSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteDeploymentSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteDeploymentSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteFallbackChainResult: {
    kind: 'UNION';
    name: 'MutationDeleteFallbackChainResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteFallbackChainSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteFallbackChainSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteFallbackChainSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteGuardrailResult: {
    kind: 'UNION';
    name: 'MutationDeleteGuardrailResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteGuardrailSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteGuardrailSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteGuardrailSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteMemberResult: {
    kind: 'UNION';
    name: 'MutationDeleteMemberResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteMemberSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteMemberSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteMemberSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteModelResult: {
    kind: 'UNION';
    name: 'MutationDeleteModelResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteModelSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteModelSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteModelSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeletePlanResult: {
    kind: 'UNION';
    name: 'MutationDeletePlanResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeletePlanSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeletePlanSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeletePlanSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteProviderResult: {
    kind: 'UNION';
    name: 'MutationDeleteProviderResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteProviderSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteProviderSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteProviderSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteRoutingProfileResult: {
    kind: 'UNION';
    name: 'MutationDeleteRoutingProfileResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteRoutingProfileSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteRoutingProfileSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteRoutingProfileSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationDeleteTeamResult: {
    kind: 'UNION';
    name: 'MutationDeleteTeamResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationDeleteTeamSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationDeleteTeamSuccess: {
    kind: 'OBJECT';
    name: 'MutationDeleteTeamSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } } };
  };
  MutationGrantCreditsResult: {
    kind: 'UNION';
    name: 'MutationGrantCreditsResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationGrantCreditsSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationGrantCreditsSuccess: {
    kind: 'OBJECT';
    name: 'MutationGrantCreditsSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreditTransaction'; ofType: null } } } };
  };
  MutationRerateResult: {
    kind: 'UNION';
    name: 'MutationRerateResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationRerateSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationRerateSuccess: {
    kind: 'OBJECT';
    name: 'MutationRerateSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Rerate'; ofType: null } } } };
  };
  MutationResealProviderCredentialsResult: {
    kind: 'UNION';
    name: 'MutationResealProviderCredentialsResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationResealProviderCredentialsSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationResealProviderCredentialsSuccess: {
    kind: 'OBJECT';
    name: 'MutationResealProviderCredentialsSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } } };
  };
  MutationRevokeApiKeyResult: {
    kind: 'UNION';
    name: 'MutationRevokeApiKeyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationRevokeApiKeySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationRevokeApiKeySuccess: {
    kind: 'OBJECT';
    name: 'MutationRevokeApiKeySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } } } };
  };
  MutationRotateApiKeyResult: {
    kind: 'UNION';
    name: 'MutationRotateApiKeyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationRotateApiKeySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationRotateApiKeySuccess: {
    kind: 'OBJECT';
    name: 'MutationRotateApiKeySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreatedApiKey'; ofType: null } } } };
  };
  MutationRotateMemberTokenResult: {
    kind: 'UNION';
    name: 'MutationRotateMemberTokenResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationRotateMemberTokenSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationRotateMemberTokenSuccess: {
    kind: 'OBJECT';
    name: 'MutationRotateMemberTokenSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'MemberWithToken'; ofType: null } } } };
  };
  MutationSetBudgetResult: {
    kind: 'UNION';
    name: 'MutationSetBudgetResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationSetBudgetSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationSetBudgetSuccess: {
    kind: 'OBJECT';
    name: 'MutationSetBudgetSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Budget'; ofType: null } } } };
  };
  MutationSetCachePolicyResult: {
    kind: 'UNION';
    name: 'MutationSetCachePolicyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationSetCachePolicySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationSetCachePolicySuccess: {
    kind: 'OBJECT';
    name: 'MutationSetCachePolicySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CachePolicy'; ofType: null } } } };
  };
  MutationSetModelPriceResult: {
    kind: 'UNION';
    name: 'MutationSetModelPriceResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationSetModelPriceSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationSetModelPriceSuccess: {
    kind: 'OBJECT';
    name: 'MutationSetModelPriceSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ModelPrice'; ofType: null } } } };
  };
  MutationSetTeamBlockedResult: {
    kind: 'UNION';
    name: 'MutationSetTeamBlockedResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationSetTeamBlockedSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationSetTeamBlockedSuccess: {
    kind: 'OBJECT';
    name: 'MutationSetTeamBlockedSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } } };
  };
  MutationSetTeamPlanResult: {
    kind: 'UNION';
    name: 'MutationSetTeamPlanResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationSetTeamPlanSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationSetTeamPlanSuccess: {
    kind: 'OBJECT';
    name: 'MutationSetTeamPlanSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } } };
  };
  MutationUpdateApiKeyResult: {
    kind: 'UNION';
    name: 'MutationUpdateApiKeyResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateApiKeySuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateApiKeySuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateApiKeySuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } } } };
  };
  MutationUpdateDeploymentResult: {
    kind: 'UNION';
    name: 'MutationUpdateDeploymentResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateDeploymentSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateDeploymentSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateDeploymentSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Deployment'; ofType: null } } } };
  };
  MutationUpdateFallbackChainResult: {
    kind: 'UNION';
    name: 'MutationUpdateFallbackChainResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateFallbackChainSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateFallbackChainSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateFallbackChainSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } } } };
  };
  MutationUpdateGuardrailResult: {
    kind: 'UNION';
    name: 'MutationUpdateGuardrailResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateGuardrailSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateGuardrailSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateGuardrailSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Guardrail'; ofType: null } } } };
  };
  MutationUpdateMemberResult: {
    kind: 'UNION';
    name: 'MutationUpdateMemberResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateMemberSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateMemberSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateMemberSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Member'; ofType: null } } } };
  };
  MutationUpdateModelResult: {
    kind: 'UNION';
    name: 'MutationUpdateModelResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateModelSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateModelSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateModelSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Model'; ofType: null } } } };
  };
  MutationUpdatePlanResult: {
    kind: 'UNION';
    name: 'MutationUpdatePlanResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdatePlanSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdatePlanSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdatePlanSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Plan'; ofType: null } } } };
  };
  MutationUpdateProviderResult: {
    kind: 'UNION';
    name: 'MutationUpdateProviderResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateProviderSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateProviderSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateProviderSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Provider'; ofType: null } } } };
  };
  MutationUpdateRoutingProfileResult: {
    kind: 'UNION';
    name: 'MutationUpdateRoutingProfileResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateRoutingProfileSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateRoutingProfileSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateRoutingProfileSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } } } };
  };
  MutationUpdateTeamResult: {
    kind: 'UNION';
    name: 'MutationUpdateTeamResult';
    fields: {};
    possibleTypes: 'ConflictError' | 'ForbiddenError' | 'MutationUpdateTeamSuccess' | 'NotFoundError' | 'ValidationError';
  };
  MutationUpdateTeamSuccess: {
    kind: 'OBJECT';
    name: 'MutationUpdateTeamSuccess';
    fields: { data: { name: 'data'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } } };
  };
  NotFoundError: {
    kind: 'OBJECT';
    name: 'NotFoundError';
    fields: {
      entity: { name: 'entity'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  PageInfo: {
    kind: 'OBJECT';
    name: 'PageInfo';
    fields: {
      endCursor: { name: 'endCursor'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      hasNextPage: { name: 'hasNextPage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      hasPreviousPage: { name: 'hasPreviousPage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      startCursor: { name: 'startCursor'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
    };
  };
  PiiAction: { name: 'PiiAction'; enumValues: 'BLOCK' | 'MASK' };
  PiiEntity: { name: 'PiiEntity'; enumValues: 'API_KEY' | 'CARD' | 'EMAIL' | 'IBAN' | 'PHONE' };
  Plan: {
    kind: 'OBJECT';
    name: 'Plan';
    fields: {
      allowedModels: {
        name: 'allowedModels';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
      billing: { name: 'billing'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'Billing'; ofType: null } } };
      budget: { name: 'budget'; type: { kind: 'OBJECT'; name: 'BudgetTemplate'; ofType: null } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      description: { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      fallbackChain: { name: 'fallbackChain'; type: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      limits: { name: 'limits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Limits'; ofType: null } } };
      markupBasisPoints: { name: 'markupBasisPoints'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      routingProfile: { name: 'routingProfile'; type: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } };
      teams: { name: 'teams'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PlanTeamsConnection'; ofType: null } } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
    };
  };
  PlanTeamsConnection: {
    kind: 'OBJECT';
    name: 'PlanTeamsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PlanTeamsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  PlanTeamsConnectionEdge: {
    kind: 'OBJECT';
    name: 'PlanTeamsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } };
    };
  };
  PriceInput: {
    kind: 'INPUT_OBJECT';
    name: 'PriceInput';
    isOneOf: false;
    inputFields: [
      { name: 'cacheWritePerMillion'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null }; defaultValue: null },
      { name: 'cachedInputPerMillion'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null }; defaultValue: null },
      { name: 'inputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
      { name: 'outputPerMillion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
    ];
  };
  Provider: {
    kind: 'OBJECT';
    name: 'Provider';
    fields: {
      apiVersion: { name: 'apiVersion'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      baseUrl: { name: 'baseUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      credentialKeyId: { name: 'credentialKeyId'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      deployments: {
        name: 'deployments';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Deployment'; ofType: null } } };
        };
      };
      hasCredential: { name: 'hasCredential'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      kind: { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'ProviderKind'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      region: { name: 'region'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      team: { name: 'team'; type: { kind: 'OBJECT'; name: 'Team'; ofType: null } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
    };
  };
  ProviderKind: {
    name: 'ProviderKind';
    enumValues: 'ANTHROPIC' | 'AZURE_OPENAI' | 'BEDROCK' | 'COHERE' | 'GEMINI' | 'MISTRAL' | 'MOCK' | 'OPENAI' | 'OPENAI_COMPATIBLE' | 'VERTEX';
  };
  Query: {
    kind: 'OBJECT';
    name: 'Query';
    fields: {
      alertChannels: {
        name: 'alertChannels';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'AlertChannel'; ofType: null } } };
        };
      };
      apiKey: { name: 'apiKey'; type: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } };
      apiKeys: { name: 'apiKeys'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryApiKeysConnection'; ofType: null } } };
      auditLog: { name: 'auditLog'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryAuditLogConnection'; ofType: null } } };
      budget: { name: 'budget'; type: { kind: 'OBJECT'; name: 'Budget'; ofType: null } };
      budgetAlerts: {
        name: 'budgetAlerts';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryBudgetAlertsConnection'; ofType: null } };
      };
      budgetStatus: { name: 'budgetStatus'; type: { kind: 'OBJECT'; name: 'BudgetStatus'; ofType: null } };
      budgets: { name: 'budgets'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryBudgetsConnection'; ofType: null } } };
      cachePolicies: {
        name: 'cachePolicies';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryCachePoliciesConnection'; ofType: null } };
      };
      catalogueModel: { name: 'catalogueModel'; type: { kind: 'OBJECT'; name: 'CatalogueModel'; ofType: null } };
      creditTransactions: {
        name: 'creditTransactions';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryCreditTransactionsConnection'; ofType: null } };
      };
      currentSnapshot: { name: 'currentSnapshot'; type: { kind: 'OBJECT'; name: 'SnapshotInfo'; ofType: null } };
      deployment: { name: 'deployment'; type: { kind: 'OBJECT'; name: 'Deployment'; ofType: null } };
      exportConfig: { name: 'exportConfig'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      fallbackChain: { name: 'fallbackChain'; type: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } };
      fallbackChains: {
        name: 'fallbackChains';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryFallbackChainsConnection'; ofType: null } };
      };
      fleet: { name: 'fleet'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Fleet'; ofType: null } } };
      guardrails: {
        name: 'guardrails';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Guardrail'; ofType: null } } };
        };
      };
      member: { name: 'member'; type: { kind: 'OBJECT'; name: 'Member'; ofType: null } };
      members: { name: 'members'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryMembersConnection'; ofType: null } } };
      model: { name: 'model'; type: { kind: 'OBJECT'; name: 'Model'; ofType: null } };
      models: { name: 'models'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryModelsConnection'; ofType: null } } };
      plan: { name: 'plan'; type: { kind: 'OBJECT'; name: 'Plan'; ofType: null } };
      plans: { name: 'plans'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryPlansConnection'; ofType: null } } };
      provider: { name: 'provider'; type: { kind: 'OBJECT'; name: 'Provider'; ofType: null } };
      providers: { name: 'providers'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryProvidersConnection'; ofType: null } } };
      routingProfile: { name: 'routingProfile'; type: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } };
      routingProfiles: {
        name: 'routingProfiles';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryRoutingProfilesConnection'; ofType: null } };
      };
      spendByTag: {
        name: 'spendByTag';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'UsageTagRow'; ofType: null } } };
        };
      };
      team: { name: 'team'; type: { kind: 'OBJECT'; name: 'Team'; ofType: null } };
      teams: { name: 'teams'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryTeamsConnection'; ofType: null } } };
      usageEvents: {
        name: 'usageEvents';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryUsageEventsConnection'; ofType: null } };
      };
      usageRollup: {
        name: 'usageRollup';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'UsageRollupRow'; ofType: null } } };
        };
      };
      viewer: { name: 'viewer'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Viewer'; ofType: null } } };
    };
  };
  QueryApiKeysConnection: {
    kind: 'OBJECT';
    name: 'QueryApiKeysConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryApiKeysConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryApiKeysConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryApiKeysConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } } };
    };
  };
  QueryAuditLogConnection: {
    kind: 'OBJECT';
    name: 'QueryAuditLogConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryAuditLogConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryAuditLogConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryAuditLogConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'AuditLogEntry'; ofType: null } } };
    };
  };
  QueryBudgetAlertsConnection: {
    kind: 'OBJECT';
    name: 'QueryBudgetAlertsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryBudgetAlertsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryBudgetAlertsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryBudgetAlertsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'BudgetAlert'; ofType: null } } };
    };
  };
  QueryBudgetsConnection: {
    kind: 'OBJECT';
    name: 'QueryBudgetsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryBudgetsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryBudgetsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryBudgetsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Budget'; ofType: null } } };
    };
  };
  QueryCachePoliciesConnection: {
    kind: 'OBJECT';
    name: 'QueryCachePoliciesConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryCachePoliciesConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryCachePoliciesConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryCachePoliciesConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CachePolicy'; ofType: null } } };
    };
  };
  QueryCreditTransactionsConnection: {
    kind: 'OBJECT';
    name: 'QueryCreditTransactionsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryCreditTransactionsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryCreditTransactionsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryCreditTransactionsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreditTransaction'; ofType: null } } };
    };
  };
  QueryFallbackChainsConnection: {
    kind: 'OBJECT';
    name: 'QueryFallbackChainsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryFallbackChainsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryFallbackChainsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryFallbackChainsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } } };
    };
  };
  QueryMembersConnection: {
    kind: 'OBJECT';
    name: 'QueryMembersConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryMembersConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryMembersConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryMembersConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Member'; ofType: null } } };
    };
  };
  QueryModelsConnection: {
    kind: 'OBJECT';
    name: 'QueryModelsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryModelsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryModelsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryModelsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Model'; ofType: null } } };
    };
  };
  QueryPlansConnection: {
    kind: 'OBJECT';
    name: 'QueryPlansConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryPlansConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryPlansConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryPlansConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Plan'; ofType: null } } };
    };
  };
  QueryProvidersConnection: {
    kind: 'OBJECT';
    name: 'QueryProvidersConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryProvidersConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryProvidersConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryProvidersConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Provider'; ofType: null } } };
    };
  };
  QueryRoutingProfilesConnection: {
    kind: 'OBJECT';
    name: 'QueryRoutingProfilesConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryRoutingProfilesConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryRoutingProfilesConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryRoutingProfilesConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } } };
    };
  };
  QueryTeamsConnection: {
    kind: 'OBJECT';
    name: 'QueryTeamsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryTeamsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryTeamsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryTeamsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Team'; ofType: null } } };
    };
  };
  QueryUsageEventsConnection: {
    kind: 'OBJECT';
    name: 'QueryUsageEventsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'QueryUsageEventsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  QueryUsageEventsConnectionEdge: {
    kind: 'OBJECT';
    name: 'QueryUsageEventsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'UsageEvent'; ofType: null } } };
    };
  };
  RefusedSnapshot: {
    kind: 'OBJECT';
    name: 'RefusedSnapshot';
    fields: {
      reason: { name: 'reason'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      version: { name: 'version'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  Rerate: {
    kind: 'OBJECT';
    name: 'Rerate';
    fields: {
      adjusted: { name: 'adjusted'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      attempts: { name: 'attempts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      delta: { name: 'delta'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      unpriced: { name: 'unpriced'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  RerateInput: {
    kind: 'INPUT_OBJECT';
    name: 'RerateInput';
    isOneOf: false;
    inputFields: [
      { name: 'from'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } }; defaultValue: null },
      { name: 'model'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'teamId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'to'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } }; defaultValue: null },
    ];
  };
  RoutingProfile: {
    kind: 'OBJECT';
    name: 'RoutingProfile';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      description: { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      strategy: { name: 'strategy'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'RoutingStrategy'; ofType: null } } };
    };
  };
  RoutingStrategy: { name: 'RoutingStrategy'; enumValues: 'COST' | 'LATENCY' | 'LEAST_BUSY' | 'WEIGHTED' };
  SetBudgetInput: {
    kind: 'INPUT_OBJECT';
    name: 'SetBudgetInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'alertThresholds';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'amount'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } }; defaultValue: null },
      { name: 'hard'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'period'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetPeriod'; ofType: null } }; defaultValue: null },
      { name: 'scope'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'BudgetScope'; ofType: null } }; defaultValue: null },
      { name: 'scopeId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
    ];
  };
  SetCachePolicyInput: {
    kind: 'INPUT_OBJECT';
    name: 'SetCachePolicyInput';
    isOneOf: false;
    inputFields: [
      { name: 'deterministicOnly'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'enabled'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'hitPrice'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null }; defaultValue: null },
      { name: 'scope'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'CachePolicyScope'; ofType: null } }; defaultValue: null },
      { name: 'scopeId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'ttlSeconds'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } }; defaultValue: null },
    ];
  };
  SetModelPriceInput: {
    kind: 'INPUT_OBJECT';
    name: 'SetModelPriceInput';
    isOneOf: false;
    inputFields: [
      { name: 'corrects'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'deploymentId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'effectiveFrom'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null }; defaultValue: null },
      { name: 'modelId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'price'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'INPUT_OBJECT'; name: 'PriceInput'; ofType: null } }; defaultValue: null },
    ];
  };
  SnapshotInfo: {
    kind: 'OBJECT';
    name: 'SnapshotInfo';
    fields: {
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      hash: { name: 'hash'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      version: { name: 'version'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  SnapshotSource: { name: 'SnapshotSource'; enumValues: 'BUS' | 'DISK' };
  String: unknown;
  Subscription: {
    kind: 'OBJECT';
    name: 'Subscription';
    fields: {
      budgetAlerts: { name: 'budgetAlerts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'BudgetAlert'; ofType: null } } };
      budgetStatus: { name: 'budgetStatus'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'BudgetStatus'; ofType: null } } };
      fleetChanged: { name: 'fleetChanged'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Fleet'; ofType: null } } };
      snapshotPublished: { name: 'snapshotPublished'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'SnapshotInfo'; ofType: null } } };
      usage: { name: 'usage'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'UsageEvent'; ofType: null } } };
    };
  };
  Team: {
    kind: 'OBJECT';
    name: 'Team';
    fields: {
      apiKeys: { name: 'apiKeys'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamApiKeysConnection'; ofType: null } } };
      blocked: { name: 'blocked'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      budgets: {
        name: 'budgets';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Budget'; ofType: null } } };
        };
      };
      createdAt: { name: 'createdAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      creditTransactions: {
        name: 'creditTransactions';
        type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamCreditTransactionsConnection'; ofType: null } };
      };
      credits: { name: 'credits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreditBalance'; ofType: null } } };
      fallbackChain: { name: 'fallbackChain'; type: { kind: 'OBJECT'; name: 'FallbackChain'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      logPrompts: { name: 'logPrompts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      members: { name: 'members'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamMembersConnection'; ofType: null } } };
      name: { name: 'name'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      plan: { name: 'plan'; type: { kind: 'OBJECT'; name: 'Plan'; ofType: null } };
      providers: {
        name: 'providers';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Provider'; ofType: null } } };
        };
      };
      routingProfile: { name: 'routingProfile'; type: { kind: 'OBJECT'; name: 'RoutingProfile'; ofType: null } };
      slug: { name: 'slug'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      systemPrompt: { name: 'systemPrompt'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      updatedAt: { name: 'updatedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
    };
  };
  TeamApiKeysConnection: {
    kind: 'OBJECT';
    name: 'TeamApiKeysConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamApiKeysConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  TeamApiKeysConnectionEdge: {
    kind: 'OBJECT';
    name: 'TeamApiKeysConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'ApiKey'; ofType: null } } };
    };
  };
  TeamCreditTransactionsConnection: {
    kind: 'OBJECT';
    name: 'TeamCreditTransactionsConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamCreditTransactionsConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  TeamCreditTransactionsConnectionEdge: {
    kind: 'OBJECT';
    name: 'TeamCreditTransactionsConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'CreditTransaction'; ofType: null } } };
    };
  };
  TeamMembersConnection: {
    kind: 'OBJECT';
    name: 'TeamMembersConnection';
    fields: {
      edges: {
        name: 'edges';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: {
            kind: 'LIST';
            name: never;
            ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'TeamMembersConnectionEdge'; ofType: null } };
          };
        };
      };
      pageInfo: { name: 'pageInfo'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'PageInfo'; ofType: null } } };
    };
  };
  TeamMembersConnectionEdge: {
    kind: 'OBJECT';
    name: 'TeamMembersConnectionEdge';
    fields: {
      cursor: { name: 'cursor'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      node: { name: 'node'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'Member'; ofType: null } } };
    };
  };
  TeamRole: { name: 'TeamRole'; enumValues: 'ADMIN' | 'MEMBER' | 'OWNER' | 'VIEWER' };
  Timeouts: {
    kind: 'OBJECT';
    name: 'Timeouts';
    fields: {
      connectMs: { name: 'connectMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      firstByteMs: { name: 'firstByteMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      idleMs: { name: 'idleMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
      totalMs: { name: 'totalMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
    };
  };
  TimeoutsInput: {
    kind: 'INPUT_OBJECT';
    name: 'TimeoutsInput';
    isOneOf: false;
    inputFields: [
      { name: 'connectMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'firstByteMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'idleMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'totalMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateApiKeyInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateApiKeyInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'allowedModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'blocked'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'expiresAt'; type: { kind: 'SCALAR'; name: 'DateTime'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'metadata'; type: { kind: 'SCALAR'; name: 'JSON'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateDeploymentInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateDeploymentInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'extraParameters';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'timeouts'; type: { kind: 'INPUT_OBJECT'; name: 'TimeoutsInput'; ofType: null }; defaultValue: null },
      { name: 'upstreamModel'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'weight'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateFallbackChainInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateFallbackChainInput';
    isOneOf: false;
    inputFields: [
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      {
        name: 'models';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      {
        name: 'triggers';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'FallbackTrigger'; ofType: null } } };
        defaultValue: null;
      },
    ];
  };
  UpdateGuardrailInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateGuardrailInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'denyKeywords';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      {
        name: 'denyPatterns';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      {
        name: 'imageModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'kind'; type: { kind: 'ENUM'; name: 'GuardrailKind'; ofType: null }; defaultValue: null },
      { name: 'maxPromptTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'piiAction'; type: { kind: 'ENUM'; name: 'PiiAction'; ofType: null }; defaultValue: null },
      {
        name: 'piiEntities';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'ENUM'; name: 'PiiEntity'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'stage'; type: { kind: 'ENUM'; name: 'GuardrailStage'; ofType: null }; defaultValue: null },
      { name: 'streamMode'; type: { kind: 'ENUM'; name: 'GuardrailStreamMode'; ofType: null }; defaultValue: null },
      { name: 'webhookFailOpen'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'webhookSecret'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'webhookTimeoutMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'webhookUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateMemberInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateMemberInput';
    isOneOf: false;
    inputFields: [
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'role'; type: { kind: 'ENUM'; name: 'TeamRole'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateModelInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateModelInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'aliases';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'capabilities'; type: { kind: 'INPUT_OBJECT'; name: 'ModelCapabilitiesInput'; ofType: null }; defaultValue: null },
      { name: 'contextWindow'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'maxOutputTokens'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      {
        name: 'tags';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
    ];
  };
  UpdatePlanInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdatePlanInput';
    isOneOf: false;
    inputFields: [
      {
        name: 'allowedModels';
        type: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        defaultValue: null;
      },
      { name: 'billing'; type: { kind: 'ENUM'; name: 'Billing'; ofType: null }; defaultValue: null },
      { name: 'budget'; type: { kind: 'INPUT_OBJECT'; name: 'BudgetTemplateInput'; ofType: null }; defaultValue: null },
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'limits'; type: { kind: 'INPUT_OBJECT'; name: 'LimitsInput'; ofType: null }; defaultValue: null },
      { name: 'markupBasisPoints'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateProviderInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateProviderInput';
    isOneOf: false;
    inputFields: [
      { name: 'apiKey'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'apiVersion'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'baseUrl'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'region'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateRoutingProfileInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateRoutingProfileInput';
    isOneOf: false;
    inputFields: [
      { name: 'description'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'strategy'; type: { kind: 'ENUM'; name: 'RoutingStrategy'; ofType: null }; defaultValue: null },
    ];
  };
  UpdateTeamInput: {
    kind: 'INPUT_OBJECT';
    name: 'UpdateTeamInput';
    isOneOf: false;
    inputFields: [
      { name: 'fallbackChainId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } }; defaultValue: null },
      { name: 'logPrompts'; type: { kind: 'SCALAR'; name: 'Boolean'; ofType: null }; defaultValue: null },
      { name: 'name'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
      { name: 'routingProfileId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null }; defaultValue: null },
      { name: 'systemPrompt'; type: { kind: 'SCALAR'; name: 'String'; ofType: null }; defaultValue: null },
    ];
  };
  UsageDimension: { name: 'UsageDimension'; enumValues: 'DAY' | 'END_USER' | 'KEY' | 'MODEL' | 'PROVIDER' };
  UsageEvent: {
    kind: 'OBJECT';
    name: 'UsageEvent';
    fields: {
      adjustmentOf: { name: 'adjustmentOf'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      apiKeyId: { name: 'apiKeyId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      attempt: { name: 'attempt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      byok: { name: 'byok'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      cacheWriteTokens: { name: 'cacheWriteTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cachedTokens: { name: 'cachedTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      completionTokens: { name: 'completionTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cost: { name: 'cost'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      endUser: { name: 'endUser'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      estimated: { name: 'estimated'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      guardrail: { name: 'guardrail'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      id: { name: 'id'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      latencyMs: { name: 'latencyMs'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      metadata: { name: 'metadata'; type: { kind: 'SCALAR'; name: 'JSON'; ofType: null } };
      model: { name: 'model'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      outcome: { name: 'outcome'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      priceVersion: { name: 'priceVersion'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      promptTokens: { name: 'promptTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      provider: { name: 'provider'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      providerCost: { name: 'providerCost'; type: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } };
      reasoningTokens: { name: 'reasoningTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      requestId: { name: 'requestId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      snapshotVersion: { name: 'snapshotVersion'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      startedAt: { name: 'startedAt'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'DateTime'; ofType: null } } };
      status: { name: 'status'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      streamed: { name: 'streamed'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Boolean'; ofType: null } } };
      tags: {
        name: 'tags';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
        };
      };
      teamId: { name: 'teamId'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'ID'; ofType: null } } };
      ttfbMs: { name: 'ttfbMs'; type: { kind: 'SCALAR'; name: 'Int'; ofType: null } };
    };
  };
  UsageRollupRow: {
    kind: 'OBJECT';
    name: 'UsageRollupRow';
    fields: {
      apiKeyId: { name: 'apiKeyId'; type: { kind: 'SCALAR'; name: 'ID'; ofType: null } };
      attempts: { name: 'attempts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cacheHitRate: { name: 'cacheHitRate'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Float'; ofType: null } } };
      cacheHits: { name: 'cacheHits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cacheSaved: { name: 'cacheSaved'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      cachedTokens: { name: 'cachedTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      completionTokens: { name: 'completionTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cost: { name: 'cost'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      day: { name: 'day'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      endUser: { name: 'endUser'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      model: { name: 'model'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      promptTokens: { name: 'promptTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      provider: { name: 'provider'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      requests: { name: 'requests'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
    };
  };
  UsageTagRow: {
    kind: 'OBJECT';
    name: 'UsageTagRow';
    fields: {
      attempts: { name: 'attempts'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      byokCost: { name: 'byokCost'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      cacheHits: { name: 'cacheHits'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cacheSaved: { name: 'cacheSaved'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      cachedTokens: { name: 'cachedTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      completionTokens: { name: 'completionTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      cost: { name: 'cost'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'MicroUSD'; ofType: null } } };
      day: { name: 'day'; type: { kind: 'SCALAR'; name: 'String'; ofType: null } };
      promptTokens: { name: 'promptTokens'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      requests: { name: 'requests'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'Int'; ofType: null } } };
      tag: { name: 'tag'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  ValidationError: {
    kind: 'OBJECT';
    name: 'ValidationError';
    fields: {
      issues: {
        name: 'issues';
        type: {
          kind: 'NON_NULL';
          name: never;
          ofType: { kind: 'LIST'; name: never; ofType: { kind: 'NON_NULL'; name: never; ofType: { kind: 'OBJECT'; name: 'FieldIssue'; ofType: null } } };
        };
      };
      message: { name: 'message'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
    };
  };
  Viewer: {
    kind: 'OBJECT';
    name: 'Viewer';
    fields: {
      kind: { name: 'kind'; type: { kind: 'NON_NULL'; name: never; ofType: { kind: 'SCALAR'; name: 'String'; ofType: null } } };
      member: { name: 'member'; type: { kind: 'OBJECT'; name: 'Member'; ofType: null } };
      role: { name: 'role'; type: { kind: 'ENUM'; name: 'TeamRole'; ofType: null } };
      team: { name: 'team'; type: { kind: 'OBJECT'; name: 'Team'; ofType: null } };
    };
  };
};

/** An IntrospectionQuery representation of your schema.
 *
 * @remarks
 * This is an introspection of your schema saved as a file by GraphQLSP.
 * It will automatically be used by `gql.tada` to infer the types of your GraphQL documents.
 * If you need to reuse this data or update your `scalars`, update `tadaOutputLocation` to
 * instead save to a .ts instead of a .d.ts file.
 */
export type introspection = {
  name: never;
  query: 'Query';
  mutation: 'Mutation';
  subscription: 'Subscription';
  types: introspection_types;
};

import * as gqlTada from 'gql.tada';

declare module 'gql.tada' {
  interface setupSchema {
    introspection: introspection;
  }
}
