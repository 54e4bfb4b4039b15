namespace TenantReconciler.Tests;
