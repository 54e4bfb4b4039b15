namespace TenantReconciler.Tests.Emulator;

public sealed class FaultProfileTests
{
    [Fact]
    public void Parse_EveryField_ReadsThemIntoTheRules()
    {
        // Arrange
        const string json = """
            {
              // comments and trailing commas are fine in a hand-written profile
              "seed": 7,
              "all": { "latencyMs": 5, "latencyJitterMs": 2 },
              "list": { "serverErrorRate": 1, "fromPage": 2 },
              "get": { "unavailableRate": 0.1, "retryAfter": 3 },
              "put": { "throttleRate": 0.5, "retryAfterSeconds": 10, "retryAfterAsHttpDate": true },
              "delete": { "dropBeforeCommitRate": 0.2, "dropAfterCommitRate": 0.3, },
            }
            """;

        // Act
        var profile = FaultProfile.Parse(json);

        // Assert
        Assert.Equal(7, profile.Seed);
        Assert.Equal(new FaultRule { LatencyMs = 5, LatencyJitterMs = 2 }, profile.All);
        Assert.Equal(new FaultRule { ServerErrorRate = 1, FromPage = 2 }, profile.List);
        Assert.Equal(new FaultRule { UnavailableRate = 0.1, RetryAfter = "3" }, profile.Get);
        Assert.Equal(new FaultRule { ThrottleRate = 0.5, RetryAfterSeconds = 10, RetryAfterAsHttpDate = true }, profile.Put);
        Assert.Equal(new FaultRule { DropBeforeCommitRate = 0.2, DropAfterCommitRate = 0.3 }, profile.Delete);
    }

    [Theory]
    [InlineData("""{ "put": { "throttlerate": 1 } }""", "throttlerate")]
    [InlineData("""{ "post": {} }""", "post")]
    [InlineData("""{ "put": { "throttleRate": 1.5 } }""", "put.throttleRate")]
    [InlineData("""{ "all": { "latencyMs": -1 } }""", "all.latencyMs")]
    [InlineData("""{ "list": { "fromPage": 0 } }""", "list.fromPage")]
    [InlineData("""{ "list": { "emptyPage": 0 } }""", "list.emptyPage must be at least 1")]
    [InlineData("""{ "put": { "emptyPage": 2 } }""", "put.emptyPage applies to listings only")]
    [InlineData("""{ "all": { "emptyPage": 2 } }""", "all.emptyPage applies to listings only")]
    [InlineData("""{ "get": { "retryAfter": "1", "retryAfterSeconds": 1 } }""", "not both")]
    [InlineData("""{ "get": { "retryAfterAsHttpDate": true } }""", "get.retryAfterAsHttpDate")]
    [InlineData("""{ "get": { "retryAfter": " " } }""", "get.retryAfter")]
    [InlineData("null", "null")]
    [InlineData("[]", "FaultProfile")]
    public void Parse_Invalid_ThrowsInvalidDataExceptionSayingWhat(string json, string expected)
    {
        // Act
        var exception = Assert.Throws<InvalidDataException>(() => FaultProfile.Parse(json));

        // Assert
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidFile_NamesTheFile()
    {
        // Arrange
        using var temp = new TempDirectory();
        var path = temp.Write("bad.json", """{ "all": { "serverErrorRate": 2 } }""");

        // Act
        var exception = Assert.Throws<InvalidDataException>(() => FaultProfile.Load(path));

        // Assert
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains("all.serverErrorRate", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_StormExample_ThrottlesHalfOfAllRequestsWithRetryAfterOne()
    {
        // Act
        var profile = FaultProfile.Load(RepoFiles.Path("examples/faults/storm.json"));

        // Assert
        Assert.Equal(new FaultRule { ThrottleRate = 0.5, RetryAfter = "1" }, profile.All);
        Assert.All(Enum.GetValues<FaultOperation>(), o => Assert.Same(profile.All, profile.RuleFor(o)));
    }

    [Fact]
    public void Load_FlakyExample_FailsAboutOneRequestInFive()
    {
        // Act
        var rule = FaultProfile.Load(RepoFiles.Path("examples/faults/flaky.json")).All!;

        // Assert: the decisions are taken in order, each on what the earlier ones let through.
        var passed = (1 - rule.ServerErrorRate) * (1 - rule.UnavailableRate) * (1 - rule.DropBeforeCommitRate) * (1 - rule.DropAfterCommitRate);
        Assert.InRange(1 - passed, 0.18, 0.22);
        Assert.All(
            new[] { rule.ServerErrorRate, rule.UnavailableRate, rule.DropBeforeCommitRate, rule.DropAfterCommitRate },
            rate => Assert.True(rate > 0));
    }

    [Fact]
    public void RuleFor_OperationWithoutRule_FallsBackToAll()
    {
        // Arrange
        var all = new FaultRule { ServerErrorRate = 1 };
        var put = new FaultRule { ThrottleRate = 1 };
        var profile = new FaultProfile { All = all, Put = put };

        // Act / Assert
        Assert.Same(put, profile.RuleFor(FaultOperation.Put));
        Assert.Same(all, profile.RuleFor(FaultOperation.Delete));
        Assert.Null(new FaultProfile { Put = put }.RuleFor(FaultOperation.Get));
    }

    [Fact]
    public void WithLatency_OperationFallingBackToAll_KeepsAllsFaultsAndAddsTheLatency()
    {
        // Arrange
        var profile = new FaultProfile { All = new FaultRule { ServerErrorRate = 0.5, LatencyMs = 1 } };

        // Act
        var delayed = profile.WithLatency(FaultOperation.Put, 250);

        // Assert
        Assert.Equal(new FaultRule { ServerErrorRate = 0.5, LatencyMs = 250 }, delayed.Put);
        Assert.Equal(profile.All, delayed.RuleFor(FaultOperation.Delete));
    }

    [Fact]
    public void Parse_ListEmptyPage_ReadsIt()
    {
        // Arrange
        const string Json = """{ "list": { "emptyPage": 3 } }""";

        // Act
        var profile = FaultProfile.Parse(Json);

        // Assert
        Assert.Equal(3, profile.RuleFor(FaultOperation.List)!.EmptyPage);
    }
}
