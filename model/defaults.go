package model

import "time"

const day = 24 * time.Hour

// Default is the built-in programme, used until a programme file is applied.
// Its values follow the seeds: engagement that serves the community earns,
// with daily caps so that nobody can farm points, and a few tiers that take
// months of steady help to climb.
func Default() Programme {
	return Programme{
		WelcomeBonus: 10,
		Goals:        Goals{Engagement: 25, Retention: 40, DecideWithin: 24 * time.Hour},
		Actions: []ActionRule{
			{Kind: "post", Points: 5, DailyCap: 25, Cooldown: 2 * time.Minute, About: "starting a discussion"},
			{Kind: "reply", Points: 2, DailyCap: 20, Cooldown: 30 * time.Second, About: "replying in a discussion"},
			{Kind: "answer", Points: 10, DailyCap: 50, Cooldown: time.Minute, About: "answering a question"},
			{Kind: "answer_accepted", Points: 15, DailyCap: 75, About: "an answer accepted by the asker"},
			{Kind: "like_received", Points: 1, DailyCap: 20, About: "a like on something they wrote"},
			{Kind: "share", Points: 2, DailyCap: 10, Cooldown: time.Minute, About: "sharing community content outside"},
			{Kind: "follow", Points: 1, DailyCap: 5, About: "following a member or a topic"},
			{Kind: "content_fix", Points: 5, DailyCap: 25, About: "correcting wrong information"},
			{Kind: "event_attended", Points: 20, DailyCap: 40, About: "attending a community event"},
			{Kind: "referral", Points: 50, DailyCap: 150, About: "a referred newcomer became active"},
		},
		Tiers: []Tier{
			{Name: "Beginner", Threshold: 0, Perks: "access to the community"},
			{Name: "Experienced", Threshold: 250, Perks: "early access to new features"},
			{Name: "Professional", Threshold: 1000, Perks: "VIP space, event invitations"},
			{Name: "Ambassador", Threshold: 5000, Perks: "private ambassador space, meet the team, swag"},
		},
		Badges: []Badge{
			{ID: "first-post", Name: "First post", Rule: FirstOf, Kind: "post", N: 1, About: "started a first discussion"},
			{ID: "first-answer", Name: "First answer", Rule: FirstOf, Kind: "answer", N: 1, About: "answered a first question"},
			{ID: "helpful", Name: "Helpful", Rule: CountOf, Kind: "answer_accepted", N: 10, About: "10 accepted answers"},
			{ID: "conversationalist", Name: "Conversationalist", Rule: CountOf, Kind: "reply", N: 50, About: "50 replies"},
			{ID: "prolific", Name: "Prolific", Rule: CountOf, Kind: "post", N: 100, About: "100 posts"},
			{ID: "appreciated", Name: "Appreciated", Rule: CountOf, Kind: "like_received", N: 100, About: "100 likes received"},
			{ID: "fact-checker", Name: "Fact checker", Rule: CountOf, Kind: "content_fix", N: 5, About: "5 corrections of wrong information"},
			{ID: "regular", Name: "Regular", Rule: CountOf, Kind: "event_attended", N: 5, About: "attended 5 events"},
			{ID: "connector", Name: "Connector", Rule: CountOf, Kind: "referral", N: 3, About: "3 referred newcomers became active"},
			{ID: "streak-7", Name: "Week streak", Rule: StreakOf, N: 7, About: "active 7 days in a row"},
			{ID: "streak-30", Name: "Month streak", Rule: StreakOf, N: 30, About: "active 30 days in a row"},
			{ID: "top-10", Name: "Top 10 of the month", Rule: TopOfMonth, N: 10, About: "in the top 10 of a month's leaderboard"},
			{ID: "thank-you", Name: "Thank you", Rule: Manual, About: "a moderator's personal thanks"},
			{ID: "mentor", Name: "Mentor", Rule: Manual, About: "helps newcomers find their way"},
			{ID: "community-hero", Name: "Community hero", Rule: Manual, About: "went far beyond the call"},
		},
		Rewards: []Reward{
			{ID: "contest-entry", Name: "Contest entry", Cost: 100, Stock: Unlimited, AutoApprove: true},
			{ID: "sticker-pack", Name: "Sticker pack", Cost: 150, Stock: 200},
			{ID: "discount-10", Name: "10% discount code", Cost: 250, Stock: Unlimited, AutoApprove: true},
			{ID: "coffee-voucher", Name: "Coffee voucher", Cost: 300, Stock: Unlimited},
			{ID: "t-shirt", Name: "Community T-shirt", Cost: 800, MinTier: "Experienced", Stock: 50},
			{ID: "early-access", Name: "Early access programme", Cost: 1000, MinTier: "Experienced", Stock: Unlimited},
			{ID: "event-invite", Name: "Invitation to the yearly meetup", Cost: 1500, MinTier: "Professional", Stock: 20},
			{ID: "vip-space", Name: "A year in the VIP space", Cost: 2500, MinTier: "Professional", Stock: Unlimited},
		},
		Guidelines: []Guideline{
			{ID: "spam", Title: "No spam", Text: "No unsolicited advertising, repeated posts or link farming."},
			{ID: "harassment", Title: "Be respectful", Text: "No insults, threats, harassment or discrimination of any member."},
			{ID: "off-topic", Title: "Stay on topic", Text: "Post in the space that fits; keep discussions to their subject."},
			{ID: "misinformation", Title: "No misinformation", Text: "Do not knowingly spread false information; cite sources for claims."},
			{ID: "self-promotion", Title: "Limited self-promotion", Text: "Share your own work only where invited and when it helps the discussion."},
			{ID: "privacy", Title: "Respect privacy", Text: "Never share another person's private information."},
		},
		Ladder:       []time.Duration{1 * day, 7 * day, 30 * day},
		LadderWindow: 180 * day,
		ExcludeTags:  []string{"staff"},
	}
}
