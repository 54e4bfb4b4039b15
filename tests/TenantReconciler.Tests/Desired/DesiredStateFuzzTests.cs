using CsCheck;

namespace TenantReconciler.Tests.Desired;

/// <summary>
/// No input crashes the loader: every mutation of a valid file, and any bytes at all, end in a valid state or in
/// diagnostics that each name the file, a line and a column.
/// </summary>
public sealed class DesiredStateFuzzTests
{
    private const string File = "fuzz/tenants.yaml";

    private static readonly string[] Seeds =
    [
        """
        cloud: AzureCloud
        apiVersion: "2017-06-01"
        suspend: false
        protect:
          - 11111111-1111-1111-1111-111111111111
        registrations:
          - name: azurestack-CLOUDID
            subscriptionId: 5c17413c-1135-479b-a046-847e1ef9fbeb
            resourceGroup: azurestack
            maxRemovals: 3
            tenants:
              - tenantId: 11111111-1111-1111-1111-111111111111
                customerSubscriptionId: aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa
                name: Contoso # a comment
              - tenantId: "{22222222-2222-2222-2222-222222222222}"
                customerSubscriptionId: 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb'
        """,
        """
        # anchors, aliases and merge keys
        registrations:
          - &base
            name: first
            subscriptionId: 5c17413c-1135-479b-a046-847e1ef9fbeb
            resourceGroup: rg(1)
            tenants: &shared
              - &contoso {tenantId: 11111111-1111-1111-1111-111111111111, customerSubscriptionId: aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa}
              - tenantId: 22222222-2222-2222-2222-222222222222
                customerSubscriptionId: bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb
          - <<: *base
            name: second
          - <<: [*base]
            name: third
            tenants: [*contoso]
        """,
        """
        ---
        {cloud: AzureChinaCloud, registrations: [{name: r, subscriptionId: 6d28524d-2246-48ac-b157-958f2f0a0cfc, resourceGroup: g, tenants: []}]}
        ...
        """,
        """
        %YAML 1.2
        ---
        registrations:
        - name: !!str r.1
          subscriptionId: 6d28524d-2246-48ac-b157-958f2f0a0cfc
          resourceGroup: >-
            folded
          tenants:
          - tenantId: 33333333-3333-3333-3333-333333333333
            customerSubscriptionId: cccccccc-cccc-cccc-cccc-cccccccccccc
            name: |
              A label
              on two lines
        """,
    ];

    private static readonly string[] Punctuation =
        ["[", "]", "{", "}", "&", "*", "!", "|", ">", ":", "-", "?", "%", ",", "#", "'", "\"", "@", "`", "<<", "&a ", "*a", "!!", "\n", "\t", " ", "---", "...", "\\", "\r", "\uFEFF", ": ", "- ", "? "];

    private static readonly Gen<Mutation> Mutations = Gen.Select(Gen.Int[0, 7], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte)
        .Select(m => new Mutation(m.Item1, m.Item2, m.Item3, m.Item4));

    private static readonly Gen<byte[]> MutatedFiles = Gen.Select(Gen.Int[0, Seeds.Length - 1], Mutations.Array[1, 6])
        .Select(x => Apply(Encoding.UTF8.GetBytes(Seeds[x.Item1].ReplaceLineEndings("\n")), x.Item2));

    [Fact]
    public void Parse_SeedFiles_AreValid()
    {
        foreach (var seed in Seeds)
        {
            var state = DesiredStateLoader.Parse(Encoding.UTF8.GetBytes(seed), File);
            Assert.NotEmpty(state.Registrations);
        }
    }

    [Fact]
    public void Parse_RandomMutationsOfValidFiles_EndInAStateOrLocatedDiagnostics()
    {
        MutatedFiles.Sample(AssertStateOrLocatedDiagnostics, iter: 10_000, threads: 1);
    }

    [Fact]
    public void Parse_RandomBytes_EndInAStateOrLocatedDiagnostics()
    {
        // Bytes weighted toward YAML's own characters, so the parser gets past the first few of them.
        var yamlish = Gen.OneOf(Gen.Byte, Gen.OneOf("[]{}&*!|>:-?%,#'\"\n -ab1<".Select(c => (byte)c).ToArray()));
        Gen.OneOf(Gen.Byte.Array[0, 200], yamlish.Array[0, 200]).Sample(AssertStateOrLocatedDiagnostics, iter: 2_000, threads: 1);
    }

    internal static void AssertStateOrLocatedDiagnostics(byte[] bytes)
    {
        try
        {
            var state = DesiredStateLoader.Parse(bytes, File);
            Assert.NotNull(state.Sha256);
        }
        catch (DesiredStateException ex)
        {
            Assert.NotEmpty(ex.Diagnostics);
            Assert.All(ex.Diagnostics, d =>
            {
                Assert.Equal(File, d.Location.File);
                Assert.True(d.Location.Line >= 1 && d.Location.Column >= 1, d.ToString());
                Assert.StartsWith("TR", d.Code, StringComparison.Ordinal);
            });
        }
    }

    private static byte[] Apply(byte[] seed, Mutation[] mutations)
    {
        var bytes = new List<byte>(seed);
        foreach (var m in mutations)
        {
            m.ApplyTo(bytes);
        }

        return [.. bytes];
    }

    /// <summary>One edit: <see cref="Kind"/> chooses what, <see cref="A"/> and <see cref="B"/> where (modulo the length).</summary>
    private readonly record struct Mutation(int Kind, int A, int B, byte Value)
    {
        public void ApplyTo(List<byte> bytes)
        {
            var at = bytes.Count == 0 ? 0 : A % (bytes.Count + 1);
            switch (Kind)
            {
                case 0: // insert a byte (any byte, also invalid UTF-8)
                    bytes.Insert(at, Value);
                    break;
                case 1: // insert YAML punctuation
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Punctuation[B % Punctuation.Length]));
                    break;
                case 2: // delete a run of 1-8 bytes
                    bytes.RemoveRange(Math.Min(at, bytes.Count), Math.Min(1 + (B % 8), bytes.Count - Math.Min(at, bytes.Count)));
                    break;
                case 3 when bytes.Count > 1: // swap two bytes
                    var i = A % bytes.Count;
                    var j = B % bytes.Count;
                    (bytes[i], bytes[j]) = (bytes[j], bytes[i]);
                    break;
                case 4: // duplicate a line
                    DuplicateLine(bytes, at);
                    break;
                case 5: // truncate
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 6 when bytes.Count > 0: // replace a byte
                    bytes[A % bytes.Count] = Value;
                    break;
                default: // insert an ASCII character
                    bytes.Insert(at, (byte)(32 + (Value % 95)));
                    break;
            }
        }

        private static void DuplicateLine(List<byte> bytes, int at)
        {
            var start = at;
            while (start > 0 && bytes[start - 1] != '\n')
            {
                start--;
            }

            var end = at;
            while (end < bytes.Count && bytes[end] != '\n')
            {
                end++;
            }

            var line = bytes.GetRange(start, Math.Min(end + 1, bytes.Count) - start);
            if (line.Count == 0 || line[^1] != '\n')
            {
                line.Add((byte)'\n');
            }

            bytes.InsertRange(start, line);
        }
    }
}
