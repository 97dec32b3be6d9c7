"""Sites, their blocks and shelters: the places of the operation, below the registry (people
live at a site and in a shelter; the site does not know who)."""
