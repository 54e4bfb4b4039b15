using System.Globalization;

namespace TenantReconciler.Desired;

/// <summary>Explains why a name failed <see cref="ArmNames"/>. Only called on the error path.</summary>
internal static class NameRules
{
    public static string ExplainRegistrationName(string name) =>
        Explain(name, "registration name", 128, "ASCII letters, digits, '_', '-' and '.'", static c => c is '_' or '-' or '.', mustStartWithLetterOrDigit: true);

    public static string ExplainResourceGroupName(string name) =>
        Explain(name, "resource group name", 90, "ASCII letters, digits, '_', '-', '.', '(' and ')'", static c => c is '_' or '-' or '.' or '(' or ')', mustStartWithLetterOrDigit: false);

    private static string Explain(string name, string what, int maxLength, string allowed, Func<char, bool> isAllowedPunctuation, bool mustStartWithLetterOrDigit)
    {
        var prefix = $"'{Text.Quote(name)}' is not a valid {what}: ";
        if (name.Length == 0)
        {
            return prefix + "it must not be empty.";
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsAsciiLetterOrDigit(c) || isAllowedPunctuation(c))
            {
                continue;
            }

            var position = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (!char.IsAscii(c))
            {
                return prefix + $"it contains the non-ASCII character {Text.DescribeChar(c)} at position {position}. Only {allowed} are allowed; look-alike Unicode characters are rejected on purpose.";
            }

            return prefix + $"it contains the character {Text.DescribeChar(c)} at position {position}. Only {allowed} are allowed.";
        }

        if (name.Length > maxLength)
        {
            return prefix + $"it is {name.Length.ToString(CultureInfo.InvariantCulture)} characters long; the limit is {maxLength.ToString(CultureInfo.InvariantCulture)}.";
        }

        if (mustStartWithLetterOrDigit && !char.IsAsciiLetterOrDigit(name[0]))
        {
            return prefix + "it must start with an ASCII letter or digit.";
        }

        if (name[^1] == '.')
        {
            return prefix + "it must not end with '.'.";
        }

        return prefix + $"use 1-{maxLength.ToString(CultureInfo.InvariantCulture)} of {allowed}.";
    }
}
