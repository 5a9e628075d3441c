namespace HealthyApi.Tests.Infrastructure;

/// <summary>
/// The real tools the deploy tests run: helm, kubectl (kustomize), node with the schema validators, and
/// podman with runc. test.sh fetches or installs them (scripts/deploy-tools.sh); a test whose tool is
/// missing is skipped with what to install, instead of failing a machine that only lacks the tool.
/// </summary>
public static class DeployTools
{
    public static string? Helm => FromEnvironment("HELM") ?? ServerBinaries.FindOnPath("helm");

    public static string? Kubectl => FromEnvironment("KUBECTL") ?? ServerBinaries.FindOnPath("kubectl");

    public static string? Node => ServerBinaries.FindOnPath("node");

    /// <summary>node_modules holding what Deploy/validate/package.json lists.</summary>
    public static string? ValidateModules =>
        Environment.GetEnvironmentVariable("DEPLOY_VALIDATE_MODULES") is { Length: > 0 } dir && Directory.Exists(dir) ? dir : null;

    public static string? Podman => ServerBinaries.FindOnPath("podman") is { } podman && ServerBinaries.FindOnPath("runc") is not null ? podman : null;

    /// <summary>Why a test needing these tools cannot run here, or null when it can.</summary>
    public static string? Missing(params Tool[] tools)
    {
        var missing = tools.Select(tool => tool switch
        {
            Tool.Helm when Helm is null => "helm (./test.sh fetches it, or set HELM)",
            Tool.Kubectl when Kubectl is null => "kubectl (./test.sh fetches it, or set KUBECTL)",
            Tool.Validators when Node is null || ValidateModules is null => "node and the schema validators (./test.sh installs them with npm, or set DEPLOY_VALIDATE_MODULES)",
            Tool.Podman when Podman is null => "podman and runc ('sudo apt-get install -y podman runc'; ./test.sh does this when run as root)",
            _ => null,
        }).OfType<string>().ToList();
        return missing.Count == 0 ? null : "not installed: " + string.Join("; ", missing);
    }

    private static string? FromEnvironment(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } path && File.Exists(path) ? path : null;
}

public enum Tool
{
    Helm,
    Kubectl,
    Validators,
    Podman,
}

/// <summary>A fact that is skipped, saying what to install, when one of its tools is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactWithAttribute : FactAttribute
{
    public FactWithAttribute(params Tool[] tools) => Skip = DeployTools.Missing(tools);
}

/// <summary>A theory that is skipped, saying what to install, when one of its tools is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TheoryWithAttribute : TheoryAttribute
{
    public TheoryWithAttribute(params Tool[] tools) => Skip = DeployTools.Missing(tools);
}
