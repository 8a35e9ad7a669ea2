using ExchangeGateway.Domain;

namespace ExchangeGateway.Domain.Tests;

public class RecipientRouterTests
{
    private static IEnumerable<(string Id, string Path)> Routed(RoutingResult result) => result.Recipients.Select(r => (r.Agency.Id, r.Path));

    private static Submission WithPlan(Submission s, ReleasePlan? plan, string? gp = "B86030") =>
        s with { Dir = s.Dir! with { ReleasePlan = plan, Client = s.Dir!.Client with { GpPractice = gp } } };

    [Fact]
    public void A_transfer_goes_to_the_receiving_prison()
    {
        var result = RecipientRouter.Route(Samples.Transfer(to: "SFI"), Samples.Directory, null);

        Assert.Empty(result.Errors);
        Assert.Equal([("SFI", "event.to")], Routed(result));
        Assert.Equal("https://sfi.example/inbox", result.Recipients[0].Agency.Endpoint);
        Assert.True(result.IsRouted);
    }

    [Fact]
    public void A_transfer_ignores_the_release_plan_and_the_GP()
    {
        var result = RecipientRouter.Route(Samples.Transfer(), Samples.Directory, new KnownAgencies("B82005", "CJIT-HULL"));
        Assert.Equal(["SFI"], result.Recipients.Select(r => r.Agency.Id));
    }

    [Theory]
    [InlineData(EventTypes.Release)]
    [InlineData(EventTypes.ReleaseNotice)]
    public void A_release_goes_to_the_CJIT_the_community_provider_and_the_GP(string eventType)
    {
        var result = RecipientRouter.Route(Samples.Release(eventType), Samples.Directory, null);

        Assert.Empty(result.Errors);
        Assert.Equal(
            [("CJIT-LEEDS", "dir.releasePlan.cjitArea"), ("CTP-FWDLEEDS", "dir.releasePlan.communityProvider"), ("B86030", "dir.client.gpPractice")],
            Routed(result));
    }

    [Fact]
    public void A_release_goes_only_to_the_agencies_it_names()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CjitArea: "CJIT-LEEDS"), gp: null);

        var result = RecipientRouter.Route(release, Samples.Directory, null);

        Assert.Equal([("CJIT-LEEDS", "dir.releasePlan.cjitArea")], Routed(result));
    }

    [Fact]
    public void A_release_does_not_use_known_agencies()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CjitArea: "CJIT-LEEDS"), gp: null);

        var result = RecipientRouter.Route(release, Samples.Directory, new KnownAgencies("B82005", "CJIT-HULL"));

        Assert.Equal(["CJIT-LEEDS"], result.Recipients.Select(r => r.Agency.Id));
    }

    [Fact]
    public void A_reception_goes_to_the_GP_and_CJIT_named_in_the_DIR()
    {
        var result = RecipientRouter.Route(Samples.Reception(gp: "B86030", cjit: "CJIT-LEEDS"), Samples.Directory, null);

        Assert.Empty(result.Errors);
        Assert.Equal([("B86030", "dir.client.gpPractice"), ("CJIT-LEEDS", "dir.releasePlan.cjitArea")], Routed(result));
    }

    [Fact]
    public void A_reception_falls_back_on_the_known_GP_and_CJIT()
    {
        var result = RecipientRouter.Route(Samples.Reception(), Samples.Directory, new KnownAgencies("B82005", "CJIT-HULL"));

        Assert.Empty(result.Errors);
        Assert.Equal([("B82005", "known.gpPractice"), ("CJIT-HULL", "known.cjitArea")], Routed(result));
    }

    [Fact]
    public void A_reception_prefers_the_DIR_to_what_is_known()
    {
        var result = RecipientRouter.Route(Samples.Reception(gp: "B86030"), Samples.Directory, new KnownAgencies("B82005", "CJIT-HULL"));

        Assert.Equal([("B86030", "dir.client.gpPractice"), ("CJIT-HULL", "known.cjitArea")], Routed(result));
    }

    [Fact]
    public void A_reception_goes_to_the_community_provider_it_names_so_that_community_dispensing_stops()
    {
        var reception = Samples.Reception(cjit: "CJIT-LEEDS");
        reception = reception with { Dir = reception.Dir! with { ReleasePlan = new ReleasePlan(CjitArea: "CJIT-LEEDS", CommunityProvider: "CTP-FWDLEEDS") } };

        var result = RecipientRouter.Route(reception, Samples.Directory, null);

        Assert.Equal(["CJIT-LEEDS", "CTP-FWDLEEDS"], result.Recipients.Select(r => r.Agency.Id));
    }

    [Fact]
    public void A_reception_naming_no_community_provider_goes_to_the_one_known_for_the_person()
    {
        var reception = Samples.Reception(cjit: "CJIT-LEEDS");

        var result = RecipientRouter.Route(reception, Samples.Directory, new KnownAgencies(null, null, "CTP-FWDLEEDS"));

        Assert.Contains(result.Recipients, r => (r.Agency.Id, r.Path) == ("CTP-FWDLEEDS", "known.communityProvider"));
    }

    [Fact]
    public void An_unknown_agency_is_an_error_at_the_field_that_named_it()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CjitArea: "CJIT-LEEDS", CommunityProvider: "CTP-NOWHERE"));

        var result = RecipientRouter.Route(release, Samples.Directory, null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("dir.releasePlan.communityProvider", error.Path);
        Assert.Equal("agency CTP-NOWHERE is not in the agency directory", error.Reason);
        Assert.Equal(["CJIT-LEEDS", "B86030"], result.Recipients.Select(r => r.Agency.Id));
        Assert.False(result.IsRouted);
    }

    [Fact]
    public void An_unknown_receiving_prison_is_an_error_at_event_to()
    {
        var result = RecipientRouter.Route(Samples.Transfer(to: "XYZ"), Samples.Directory, null);

        Assert.Contains(new ValidationError("event.to", "agency XYZ is not in the agency directory"), result.Errors);
        Assert.Empty(result.Recipients);
    }

    [Fact]
    public void An_unknown_known_agency_is_an_error_at_its_known_path()
    {
        var result = RecipientRouter.Route(Samples.Reception(gp: "B86030"), Samples.Directory, new KnownAgencies(null, "CJIT-NOWHERE"));

        Assert.Contains(result.Errors, e => e.Path == "known.cjitArea" && e.Reason.Contains("CJIT-NOWHERE", StringComparison.Ordinal));
    }

    [Fact]
    public void A_GP_named_as_the_CJIT_is_an_error_of_type_at_cjitArea()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CjitArea: "B82005"));

        var result = RecipientRouter.Route(release, Samples.Directory, null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("dir.releasePlan.cjitArea", error.Path);
        Assert.Equal("agency B82005 is a GP practice, but this field must name a CJIT", error.Reason);
        Assert.Equal(["B86030"], result.Recipients.Select(r => r.Agency.Id));
    }

    [Theory]
    [InlineData("CJIT-LEEDS", "a CJIT")]
    [InlineData("B86030", "a GP practice")]
    public void A_transfer_to_an_agency_that_is_not_a_prison_is_an_error_at_event_to(string to, string what)
    {
        var result = RecipientRouter.Route(Samples.Transfer(to: to), Samples.Directory, null);

        Assert.Contains(new ValidationError("event.to", $"agency {to} is {what}, but this field must name a prison"), result.Errors);
        Assert.Empty(result.Recipients);
    }

    [Fact]
    public void A_community_provider_that_is_a_prison_is_an_error_at_communityProvider()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CommunityProvider: "SFI"), gp: null);

        var result = RecipientRouter.Route(release, Samples.Directory, null);

        Assert.Contains(result.Errors, e => e.Path == "dir.releasePlan.communityProvider" && e.Reason.EndsWith("must name a community treatment provider", StringComparison.Ordinal));
    }

    [Fact]
    public void A_known_GP_that_is_not_a_GP_is_an_error_at_known_gpPractice()
    {
        var result = RecipientRouter.Route(Samples.Reception(cjit: "CJIT-LEEDS"), Samples.Directory, new KnownAgencies("CJIT-HULL", null));

        Assert.Contains(result.Errors, e => e.Path == "known.gpPractice" && e.Reason.Contains("must name a GP practice", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_agency_named_twice_receives_one_copy()
    {
        var release = WithPlan(Samples.Release(), new ReleasePlan(CjitArea: "CJIT-LEEDS", CommunityProvider: "CJIT-LEEDS"));

        var result = RecipientRouter.Route(release, Samples.Directory, null);

        Assert.Single(result.Recipients, r => r.Agency.Id == "CJIT-LEEDS");
        Assert.Equal("dir.releasePlan.cjitArea", result.Recipients[0].Path);
    }

    [Fact]
    public void The_sender_never_receives_its_own_submission()
    {
        var result = RecipientRouter.Route(Samples.Transfer(to: "BMI", from: "BMI"), Samples.Directory, null);

        Assert.Empty(result.Recipients);
        var error = Assert.Single(result.Errors);
        Assert.Equal("event.type", error.Path);
        Assert.Contains("the sender does not receive its own submission", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transfer_without_a_destination_has_no_recipient_and_says_event_to_was_looked_at()
    {
        var result = RecipientRouter.Route(Samples.Transfer(to: null), Samples.Directory, null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("event.type", error.Path);
        Assert.Contains("(looked at event.to)", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_release_naming_no_agency_is_an_error_at_event_type_listing_the_fields_looked_at()
    {
        var result = RecipientRouter.Route(WithPlan(Samples.Release(), null, gp: null), Samples.Directory, null);

        Assert.Empty(result.Recipients);
        var error = Assert.Single(result.Errors);
        Assert.Equal("event.type", error.Path);
        Assert.Equal(
            "a release needs at least one recipient, and none was found (looked at dir.releasePlan.cjitArea, dir.releasePlan.communityProvider, dir.client.gpPractice)",
            error.Reason);
    }

    [Fact]
    public void A_reception_with_nothing_known_lists_the_DIR_and_known_fields()
    {
        var result = RecipientRouter.Route(Samples.Reception(), Samples.Directory, null);

        var error = Assert.Single(result.Errors);
        Assert.Equal("event.type", error.Path);
        Assert.Contains("dir.client.gpPractice, known.gpPractice, dir.releasePlan.cjitArea, known.cjitArea", error.Reason, StringComparison.Ordinal);
    }
}
