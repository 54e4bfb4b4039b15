using TenantReconciler.Smoke;

namespace TenantReconciler.Tests.Smoke;

/// <summary>
/// The AOT smoke suite compares the native build's outputs with the JIT build's after this normalization: what it
/// replaces decides what the comparison can no longer see, so it must replace exactly what differs on every run.
/// </summary>
public class OutputNormalizerTests
{
    private const string InputId = "6513270e-269e-4d37-b2a7-4de452e6b438";
    private const string PlanId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private const string ApplyId = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    private static readonly OutputNormalizer Normalizer = new([InputId]);

    [Fact]
    public void Normalize_IdOfTheInputs_IsKeptInAnyCase()
    {
        var text = $"subscription {InputId} and {InputId.ToUpperInvariant()}";

        var normalized = Normalizer.Normalize(text);

        Assert.Equal(text, normalized);
    }

    [Fact]
    public void Normalize_RandomIds_AreNumberedInOrderOfFirstAppearance()
    {
        var text = $"apply {ApplyId} of plan {PlanId}; plan {PlanId.ToUpperInvariant()} on {InputId}; apply {ApplyId}";

        var normalized = Normalizer.Normalize(text);

        Assert.Equal($"apply <id1> of plan <id2>; plan <id2> on {InputId}; apply <id1>", normalized);
    }

    [Fact]
    public void Normalize_UndashedIds_AreNumberedWithTheDashedOnes()
    {
        var text = $"event {PlanId} trace 4bf92f3577b34da6a3ce929d0e0e4736 span 4bf92f3577b34da6a3ce929d0e0e4736";

        var normalized = Normalizer.Normalize(text);

        Assert.Equal("event <id1> trace <id2> span <id2>", normalized);
    }

    [Fact]
    public void Normalize_EachText_NumbersItsOwnIds()
    {
        var first = Normalizer.Normalize($"plan {PlanId}");

        var second = Normalizer.Normalize($"plan {ApplyId}, then {PlanId}");

        Assert.Equal("plan <id1>", first);
        Assert.Equal("plan <id1>, then <id2>", second);
    }

    [Theory]
    [InlineData("at 2025-01-31T23:59:59.1234567Z", "at <time>")]
    [InlineData("at 2025-01-31 23:59:59+01:00", "at <time>")]
    [InlineData("\"time\":\"2025-01-31T23:59:59.123+0000\"", "\"time\":\"<time>\"")]
    [InlineData("https://127.0.0.1:36617/subscriptions", "https://127.0.0.1:<port>/subscriptions")]
    [InlineData("http://localhost:5000 and http://[::1]:8080", "http://localhost:<port> and http://[::1]:<port>")]
    [InlineData("took 12 ms, then 0.25 s, then 3.5E-05s", "took <duration>, then <duration>, then <duration>")]
    [InlineData("\"durationMs\": 12.5, \"pid\":4242, \"elapsed\":1e-3", "\"durationMs\":<n>, \"pid\":<n>, \"elapsed\":<n>")]
    [InlineData("\"writer\": \"build-host/4242\"", "\"writer\":\"<host/pid>\"")]
    [InlineData("applied at noon by build-host/4242 (journal j.jsonl)", "applied at noon by <host/pid> (journal j.jsonl)")]
    public void Normalize_UnstableParts_AreReplacedByPlaceholders(string text, string expected)
    {
        var normalized = Normalizer.Normalize(text);

        Assert.Equal(expected, normalized);
    }

    [Fact]
    public void Normalize_ContentHash_IsReplacedButOtherHashesAreNot()
    {
        var hash = new string('a', 64);
        var text = $"{{\"contentHash\":\"sha256:{hash}\",\"stateHash\":\"sha256:{hash}\"}}";

        var normalized = Normalizer.Normalize(text);

        Assert.Equal($"{{\"contentHash\":\"<content hash>\",\"stateHash\":\"sha256:{hash}\"}}", normalized);
    }

    [Fact]
    public void Normalize_StableText_IsUnchanged()
    {
        var text = "Plan: 2 to add, 2 to overwrite, 1 to remove, 2 unchanged.\n# registration azurestack-8f3e1b2c (resource group azurestack)\n";

        var normalized = Normalizer.Normalize(text);

        Assert.Equal(text, normalized);
    }

    [Fact]
    public void ForInputs_KeepsEveryGuidOfTheInputTexts()
    {
        var normalizer = OutputNormalizer.ForInputs($"subscriptionId: {InputId}\n", $"{{\"tenantId\":\"{PlanId.ToUpperInvariant()}\"}}");

        var normalized = normalizer.Normalize($"{InputId} {PlanId} {ApplyId}");

        Assert.Equal($"{InputId} {PlanId} <id1>", normalized);
    }
}
