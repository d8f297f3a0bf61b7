package main

import (
	"errors"
	"time"

	"steward/store"
)

func console(st *store.Store, notice string, poll time.Duration) error {
	return errors.New("the console is not built yet")
}
